package dashboards

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	gapi "github.com/grafana/grafana-api-golang-client"
)

// GrafanaAPI is the part of Grafana's HTTP API that Apply uses. It is kept
// this small because the client library behind it,
// grafana-api-golang-client, is archived upstream: replacing it means
// implementing these eight calls.
type GrafanaAPI interface {
	Folder(ctx context.Context, uid string) (*Folder, error) // ErrNotFound when missing
	CreateFolder(ctx context.Context, f Folder) error
	UpdateFolder(ctx context.Context, f Folder) error
	DataSource(ctx context.Context, uid string) (*GrafanaDataSource, error) // ErrNotFound when missing
	CreateDataSource(ctx context.Context, ds GrafanaDataSource) error
	UpdateDataSource(ctx context.Context, ds GrafanaDataSource) error
	Dashboard(ctx context.Context, uid string) (*StoredDashboard, error) // ErrNotFound when missing
	SaveDashboard(ctx context.Context, d SaveDashboard) error
}

// ErrNotFound is what GrafanaAPI returns for a folder, datasource or
// dashboard that does not exist.
var ErrNotFound = errors.New("not found in Grafana")

// APIError is an error status from Grafana's HTTP API with its body.
type APIError struct {
	Status int
	Body   string
}

func (e *APIError) Error() string { return fmt.Sprintf("Grafana answered %d: %s", e.Status, e.Body) }

// Folder is a Grafana folder.
type Folder struct {
	UID, Title string
}

// GrafanaDataSource is a datasource as Grafana's API reads and writes it.
type GrafanaDataSource struct {
	UID, Name, Type, Access string
	JSONData                map[string]any
	SecureJSONData          map[string]any // write only: Grafana never returns it
	ReadOnly                bool           // provisioned from a file: the API cannot change it
}

// StoredDashboard is a dashboard as Grafana holds it.
type StoredDashboard struct {
	Model     map[string]any // includes the id and version Grafana assigned
	FolderUID string
	Version   int64
}

// SaveDashboard is a request to create or update a dashboard. Without
// Overwrite, Grafana refuses (412 version-mismatch) when the model's version
// is not the stored one, and (412 name-exists) when another dashboard of the
// folder has the same title.
type SaveDashboard struct {
	Model     map[string]any
	FolderUID string
	Overwrite bool
	Message   string
}

// NewGrafanaClient returns a GrafanaAPI for the Grafana at baseURL,
// authenticated with a service account token.
func NewGrafanaClient(baseURL, token string, timeout time.Duration) (GrafanaAPI, error) {
	c, err := gapi.New(strings.TrimRight(baseURL, "/"), gapi.Config{
		APIKey: token,
		Client: &http.Client{Timeout: timeout},
	})
	if err != nil {
		return nil, fmt.Errorf("grafana url %q: %w", baseURL, err)
	}
	return &gapiClient{c: c}, nil
}

// gapiClient adapts grafana-api-golang-client v0.27.0, which takes no
// context: a cancelled context stops before the next call.
type gapiClient struct{ c *gapi.Client }

var gapiStatusRe = regexp.MustCompile(`(?s)^status: (\d+), body: (.*)$`)

// apiErr turns the client's errors (ErrNotFound, or "status: N, body: ...")
// into ErrNotFound and *APIError.
func apiErr(err error) error {
	if err == nil {
		return nil
	}
	var nf gapi.ErrNotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %s", ErrNotFound, strings.TrimSpace(string(nf.BodyContents)))
	}
	if m := gapiStatusRe.FindStringSubmatch(err.Error()); m != nil {
		status, _ := strconv.Atoi(m[1])
		return &APIError{Status: status, Body: strings.TrimSpace(m[2])}
	}
	return err
}

func (g *gapiClient) Folder(ctx context.Context, uid string) (*Folder, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := g.c.FolderByUID(uid)
	if err != nil {
		return nil, apiErr(err)
	}
	return &Folder{UID: f.UID, Title: f.Title}, nil
}

func (g *gapiClient) CreateFolder(ctx context.Context, f Folder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := g.c.NewFolder(f.Title, f.UID)
	return apiErr(err)
}

func (g *gapiClient) UpdateFolder(ctx context.Context, f Folder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return apiErr(g.c.UpdateFolder(f.UID, f.Title))
}

func (g *gapiClient) DataSource(ctx context.Context, uid string) (*GrafanaDataSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := g.c.DataSourceByUID(uid)
	if err != nil {
		return nil, apiErr(err)
	}
	return &GrafanaDataSource{UID: ds.UID, Name: ds.Name, Type: ds.Type, Access: ds.Access, JSONData: ds.JSONData, ReadOnly: ds.ReadOnly}, nil
}

func toGapi(ds GrafanaDataSource) *gapi.DataSource {
	return &gapi.DataSource{UID: ds.UID, Name: ds.Name, Type: ds.Type, Access: ds.Access, JSONData: ds.JSONData, SecureJSONData: ds.SecureJSONData}
}

func (g *gapiClient) CreateDataSource(ctx context.Context, ds GrafanaDataSource) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := g.c.NewDataSource(toGapi(ds))
	return apiErr(err)
}

func (g *gapiClient) UpdateDataSource(ctx context.Context, ds GrafanaDataSource) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return apiErr(g.c.UpdateDataSourceByUID(toGapi(ds)))
}

func (g *gapiClient) Dashboard(ctx context.Context, uid string) (*StoredDashboard, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := g.c.DashboardByUID(uid)
	if err != nil {
		return nil, apiErr(err)
	}
	var version int64
	if v, ok := d.Model["version"].(float64); ok {
		version = int64(v)
	}
	return &StoredDashboard{Model: d.Model, FolderUID: d.Meta.FolderUID, Version: version}, nil
}

func (g *gapiClient) SaveDashboard(ctx context.Context, d SaveDashboard) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := g.c.NewDashboard(gapi.Dashboard{Model: d.Model, FolderUID: d.FolderUID, Overwrite: d.Overwrite, Message: d.Message})
	return apiErr(err)
}

package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
)

// ApplyOptions say what Apply puts into Grafana.
type ApplyOptions struct {
	Folder     Folder // where the dashboards go
	DataSource DataSource
	// Password is the ClickHouse password of DataSource.Username. It is sent
	// when the datasource is created, and on update only with
	// UpdatePassword: Grafana never returns it, so Apply cannot tell whether
	// it changed.
	Password       string
	UpdatePassword bool
	// Overwrite replaces dashboards whatever their version in Grafana and
	// takes over a dashboard of the folder with the same title.
	Overwrite  bool
	Dashboards []Dashboard
	Log        *slog.Logger
}

// Change is what Apply did to one object.
type Change struct {
	Kind   string // folder | datasource | dashboard
	UID    string
	Title  string
	Action string // created | updated | unchanged
}

// Changed reports whether any change created or updated something.
func Changed(cs []Change) bool {
	for _, c := range cs {
		if c.Action != "unchanged" {
			return true
		}
	}
	return false
}

// Apply creates or updates, by uid, the folder, the ClickHouse datasource
// and the dashboards in Grafana. It is idempotent: what already matches is
// left alone (Action "unchanged"), so a second run changes nothing.
func Apply(ctx context.Context, api GrafanaAPI, opt ApplyOptions) ([]Change, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.Folder.UID == "" || opt.DataSource.UID == "" {
		return nil, errors.New("apply: folder and datasource uids are required")
	}
	var changes []Change
	c, err := applyFolder(ctx, api, opt.Folder)
	if err != nil {
		return changes, explain(err, "folder "+opt.Folder.UID)
	}
	changes = append(changes, c)
	log.Info("grafana folder", "uid", c.UID, "action", c.Action)

	c, err = applyDataSource(ctx, api, opt)
	if err != nil {
		return changes, explain(err, "datasource "+opt.DataSource.UID)
	}
	changes = append(changes, c)
	log.Info("grafana datasource", "uid", c.UID, "action", c.Action)

	for _, d := range opt.Dashboards {
		c, err := applyDashboard(ctx, api, d, opt)
		if err != nil {
			return changes, explain(err, "dashboard "+d.UID)
		}
		changes = append(changes, c)
		log.Info("grafana dashboard", "uid", c.UID, "action", c.Action)
	}
	return changes, nil
}

func applyFolder(ctx context.Context, api GrafanaAPI, want Folder) (Change, error) {
	c := Change{Kind: "folder", UID: want.UID, Title: want.Title}
	have, err := api.Folder(ctx, want.UID)
	switch {
	case errors.Is(err, ErrNotFound):
		c.Action = "created"
		return c, api.CreateFolder(ctx, want)
	case err != nil:
		return c, err
	case have.Title == want.Title:
		c.Action = "unchanged"
		return c, nil
	}
	c.Action = "updated"
	return c, api.UpdateFolder(ctx, want)
}

// grafanaDataSource is the datasource as Grafana's API takes it.
func grafanaDataSource(ds DataSource, password string) GrafanaDataSource {
	g := GrafanaDataSource{
		UID: ds.UID, Name: ds.Name, Type: PluginID, Access: "proxy",
		JSONData: map[string]any{
			"host": ds.Host, "port": ds.Port, "protocol": ds.Protocol, "secure": ds.Secure,
			"username": ds.Username, "defaultDatabase": ds.Database,
		},
	}
	if password != "" {
		g.SecureJSONData = map[string]any{"password": password}
	}
	return g
}

func applyDataSource(ctx context.Context, api GrafanaAPI, opt ApplyOptions) (Change, error) {
	want := grafanaDataSource(opt.DataSource, opt.Password)
	c := Change{Kind: "datasource", UID: want.UID, Title: want.Name}
	have, err := api.DataSource(ctx, want.UID)
	switch {
	case errors.Is(err, ErrNotFound):
		c.Action = "created"
		return c, api.CreateDataSource(ctx, want)
	case err != nil:
		return c, err
	}
	same := have.Name == want.Name && have.Type == want.Type && have.Access == want.Access && subsetEqual(want.JSONData, have.JSONData)
	if same && !opt.UpdatePassword {
		c.Action = "unchanged"
		return c, nil
	}
	if have.ReadOnly {
		return c, fmt.Errorf("it is provisioned from a file in Grafana (read-only), so the API cannot change it: change that provisioning file ('voc dashboards export' writes one) or remove it")
	}
	if !opt.UpdatePassword {
		want.SecureJSONData = nil // keep the password Grafana has
	}
	c.Action = "updated"
	return c, api.UpdateDataSource(ctx, want)
}

// subsetEqual reports whether every key of want has the same value in have
// (compared as JSON, so 9000 and 9000.0 agree); keys only Grafana set are
// ignored.
func subsetEqual(want, have map[string]any) bool {
	for k, v := range want {
		if !jsonEqual(v, have[k]) {
			return false
		}
	}
	return true
}

func jsonEqual(a, b any) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// serverFields are what Grafana adds to a stored dashboard model.
var serverFields = []string{"id", "version"}

func applyDashboard(ctx context.Context, api GrafanaAPI, d Dashboard, opt ApplyOptions) (Change, error) {
	c := Change{Kind: "dashboard", UID: d.UID, Title: d.Title}
	raw, err := Grafana(d, opt.DataSource)
	if err != nil {
		return c, err
	}
	var model map[string]any
	if err := json.Unmarshal(raw, &model); err != nil {
		return c, err
	}
	req := SaveDashboard{Model: model, FolderUID: opt.Folder.UID, Overwrite: opt.Overwrite, Message: "voc dashboards apply"}
	have, err := api.Dashboard(ctx, d.UID)
	switch {
	case errors.Is(err, ErrNotFound):
		c.Action = "created"
		return c, api.SaveDashboard(ctx, req)
	case err != nil:
		return c, err
	}
	stored := make(map[string]any, len(have.Model))
	for k, v := range have.Model {
		stored[k] = v
	}
	for _, k := range serverFields {
		delete(stored, k)
	}
	if have.FolderUID == opt.Folder.UID && jsonEqual(model, stored) {
		c.Action = "unchanged"
		return c, nil
	}
	if !opt.Overwrite {
		// Save on top of the version we read: if someone saves in between,
		// Grafana answers 412 version-mismatch instead of losing their save.
		model["version"] = have.Version
	}
	c.Action = "updated"
	return c, api.SaveDashboard(ctx, req)
}

// explain turns Grafana's refusals into messages that say what to do.
func explain(err error, what string) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", what, err)
	}
	switch {
	case ae.Status == 401:
		return fmt.Errorf("%s: Grafana refused the token (401 Unauthorized): check GRAFANA_TOKEN (or --token-file): it must be a valid service account token of this Grafana: %w", what, err)
	case ae.Status == 403:
		return fmt.Errorf("%s: the token may not do this (403 Forbidden): check GRAFANA_TOKEN (or --token-file): its service account needs the Editor role (or folders, datasources and dashboards write permissions): %w", what, err)
	case ae.Status == 412 && strings.Contains(ae.Body, "version-mismatch"):
		return fmt.Errorf("%s: it was saved in Grafana while voc was updating it (412 version-mismatch): run 'voc dashboards apply' again, or add --overwrite to replace whatever Grafana holds: %w", what, err)
	case ae.Status == 412 && strings.Contains(ae.Body, "name-exists"):
		return fmt.Errorf("%s: another dashboard in the folder already has this title (412 name-exists): delete or rename it in Grafana, or add --overwrite to replace it: %w", what, err)
	case ae.Status == 412:
		return fmt.Errorf("%s: Grafana refused the change (412 precondition failed): add --overwrite to replace what Grafana holds: %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

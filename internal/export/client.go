package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// Client talks to ClickHouse's HTTP interface. Only SELECT-like statements
// are sent and no setting is changed, so a readonly=1 user is enough.
type Client struct {
	BaseURL  string // http://host:8123 or https://host:8443
	Database string
	User     string
	Password string // secret: sent in a header, never in a URL or a log
	HTTP     *http.Client
}

// Column is one column of a query's result as ClickHouse names its type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	// No overall timeout: an export streams for as long as it takes; the
	// context cancels it. Dialing and the first response byte are bounded.
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ResponseHeaderTimeout: 10 * time.Minute,
		DisableCompression:    true,
	}}
}

// query sends sql (with its {name:Type} parameters) and returns the response
// body on success. The caller closes it.
func (c *Client) query(ctx context.Context, sql string, params map[string]string) (io.ReadCloser, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + "/")
	if err != nil {
		return nil, fmt.Errorf("ClickHouse HTTP address %q: %w", c.BaseURL, err)
	}
	q := u.Query()
	if c.Database != "" {
		q.Set("database", c.Database)
	}
	for k, v := range params {
		q.Set("param_"+k, v)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(sql))
	if err != nil {
		return nil, err
	}
	if c.User != "" {
		req.Header.Set("X-ClickHouse-User", c.User)
	}
	if c.Password != "" {
		req.Header.Set("X-ClickHouse-Key", c.Password)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("ClickHouse at %s: %w", c.BaseURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
		return nil, &ServerError{Status: resp.StatusCode, Code: resp.Header.Get("X-ClickHouse-Exception-Code"), Message: strings.TrimSpace(string(b))}
	}
	return resp.Body, nil
}

// ServerError is an error ClickHouse answered with.
type ServerError struct {
	Status  int
	Code    string // ClickHouse error code, e.g. 60 (unknown table), 164 (readonly)
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("ClickHouse answered HTTP %d: %s", e.Status, e.Message)
}

// describe returns the columns sql would produce, without running it.
func (c *Client) describe(ctx context.Context, sql string, params map[string]string) ([]Column, error) {
	return c.describeTarget(ctx, "("+sql+")", params)
}

// describeTarget describes a table name or a parenthesised query.
func (c *Client) describeTarget(ctx context.Context, target string, params map[string]string) ([]Column, error) {
	body, err := c.query(ctx, "DESCRIBE TABLE "+target+" FORMAT JSONEachRow", params)
	if err != nil {
		return nil, fmt.Errorf("describe the query's columns: %w", err)
	}
	defer body.Close()
	var cols []Column
	dec := json.NewDecoder(bufio.NewReader(body))
	for {
		var col Column
		if err := dec.Decode(&col); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("read the query's columns: %w", err)
		}
		cols = append(cols, col)
	}
	if len(cols) == 0 {
		return nil, errors.New("the query returns no columns")
	}
	return cols, nil
}

// scalar runs sql and returns its single value as text.
func (c *Client) scalar(ctx context.Context, sql string, params map[string]string) (string, error) {
	body, err := c.query(ctx, sql+" FORMAT TSVRaw", params)
	if err != nil {
		return "", err
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, 1<<20))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// NewClient returns a client for the server that opts (a parsed DSN)
// points at. An http:// or https:// DSN is used as is; for a native DSN
// httpAddr (host:port of the same server's HTTP interface) must be given, or
// the host's default HTTP port is assumed (8123, or 8443 with TLS).
func NewClient(opts *clickhouse.Options, httpAddr string) (*Client, error) {
	if len(opts.Addr) == 0 {
		return nil, errors.New("ClickHouse DSN has no address")
	}
	scheme := "http"
	if opts.TLS != nil {
		scheme = "https"
	}
	addr := opts.Addr[0]
	if opts.Protocol != clickhouse.HTTP {
		if httpAddr != "" {
			addr = httpAddr
		} else {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				host = addr
			}
			port := "8123"
			if opts.TLS != nil {
				port = "8443"
			}
			addr = net.JoinHostPort(host, port)
		}
	}
	return &Client{BaseURL: scheme + "://" + addr, Database: opts.Auth.Database, User: opts.Auth.Username, Password: opts.Auth.Password}, nil
}

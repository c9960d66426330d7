package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voc-analytics/voc/dashboards"
	"github.com/voc-analytics/voc/internal/localenv"
)

func init() {
	register(&command{
		Name:    "dashboards",
		Summary: "the four dashboards (executive, product, operations, suggestions): see 'dashboards export', 'dashboards apply', 'dashboards list'",
		Usage:   "export|apply|list [flags]",
		New:     func() Invocation { return &dashboardsGroup{} },
	})
	register(&command{
		Name:    "dashboards export",
		Summary: "write the four Grafana dashboards (JSON) and the provisioning YAML for their ClickHouse datasource and folder",
		Usage:   "--out DIR [--clickhouse-addr HOST:PORT] [--password-env NAME] [flags]",
		New:     func() Invocation { return newDashboardsExport() },
	})
	register(&command{
		Name:    "dashboards apply",
		Summary: "create or update the dashboards, their folder and ClickHouse datasource in a Grafana, by uid (a second run changes nothing)",
		Usage:   "--grafana-url URL [--token-file FILE] [--overwrite] [flags]  (token from $GRAFANA_TOKEN unless --token-file)",
		New:     func() Invocation { return newDashboardsApply() },
	})
	register(&command{
		Name:    "dashboards list",
		Summary: "list the dashboards and their panels with the metric or rows query each reads",
		Usage:   "",
		New:     func() Invocation { return &dashboardsList{} },
	})
}

// Environment variables of the dashboards commands.
const (
	envGrafanaToken = "GRAFANA_TOKEN"
	envGrafanaURL   = "GRAFANA_URL"
)

// grafanaTarget is what export and apply share: where Grafana finds
// ClickHouse, and under which uids the datasource and folder go.
type grafanaTarget struct {
	ds     dashboards.DataSource
	addr   string // host:port of ClickHouse as Grafana's server reaches it; empty: from voc local
	folder dashboards.Folder
}

func newGrafanaTarget() grafanaTarget {
	return grafanaTarget{ds: dashboards.DefaultDataSource(), folder: dashboards.Folder{UID: "voc", Title: "voc"}}
}

func (g *grafanaTarget) flags(fs *flag.FlagSet) {
	fs.StringVar(&g.addr, "clickhouse-addr", "", "ClickHouse host:port as Grafana's server reaches it (default: the host of $VOC_ANALYST_DSN or of a running 'voc local', else 127.0.0.1:9000)")
	fs.StringVar(&g.ds.Protocol, "protocol", g.ds.Protocol, "ClickHouse protocol Grafana speaks: native or http (then give the HTTP port)")
	fs.BoolVar(&g.ds.Secure, "secure", g.ds.Secure, "connect to ClickHouse over TLS")
	fs.StringVar(&g.ds.Username, "username", g.ds.Username, "ClickHouse user of the datasource (a read-only one)")
	fs.StringVar(&g.ds.Database, "database", g.ds.Database, "ClickHouse database")
	fs.StringVar(&g.ds.PasswordEnv, "password-env", g.ds.PasswordEnv, "environment variable holding the ClickHouse user's password (read by Grafana's provisioning; read by 'apply' to send it)")
	fs.StringVar(&g.ds.UID, "datasource-uid", g.ds.UID, "uid of the Grafana datasource")
	fs.StringVar(&g.ds.Name, "datasource-name", g.ds.Name, "name of the Grafana datasource")
	fs.StringVar(&g.folder.UID, "folder-uid", g.folder.UID, "uid of the Grafana folder of the dashboards")
	fs.StringVar(&g.folder.Title, "folder", g.folder.Title, "title of the Grafana folder of the dashboards")
	fs.StringVar(&g.ds.PrometheusUID, "prometheus-uid", "", "uid of a Prometheus datasource that scrapes 'voc run' (adds the consumer-lag panel); empty: no such panel")
	fs.StringVar(&g.ds.Timezone, "timezone", g.ds.Timezone, "time zone of the dashboards")
}

// resolve fills the ClickHouse address and checks the settings.
func (g *grafanaTarget) resolve(env *Env) error {
	addr := g.addr
	if addr == "" {
		// The read-only analyst of $VOC_ANALYST_DSN or a running voc local.
		if opts, err := localenv.ClickHouseAnalyst("", env.Getenv); err == nil && len(opts.Addr) > 0 {
			addr = opts.Addr[0]
			if g.ds.Username == dashboards.DefaultDataSource().Username && opts.Auth.Username != "" {
				g.ds.Username = opts.Auth.Username
			}
			if g.ds.Database == dashboards.DefaultDataSource().Database && opts.Auth.Database != "" {
				g.ds.Database = opts.Auth.Database
			}
		} else {
			addr = "127.0.0.1:9000"
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--clickhouse-addr %q: want host:port: %w", addr, err)
	}
	g.ds.Host = host
	if g.ds.Port, err = strconv.Atoi(port); err != nil || g.ds.Port <= 0 || g.ds.Port > 65535 {
		return fmt.Errorf("--clickhouse-addr %q: port must be a number in 1..65535", addr)
	}
	if g.ds.Protocol != "native" && g.ds.Protocol != "http" {
		return fmt.Errorf("--protocol %q: choose native or http", g.ds.Protocol)
	}
	if g.ds.UID == "" || g.folder.UID == "" {
		return errors.New("--datasource-uid and --folder-uid must not be empty")
	}
	return nil
}

// warnPending tells which panels wait for a metric the registry lacks.
func warnPending(env *Env) {
	for _, p := range dashboards.Pending() {
		fmt.Fprintf(env.Stderr, "note: %s: panel %q left out until the metric registry has %s\n", p.Dashboard, p.Panel, strings.Join(p.Missing, ", "))
	}
}

// dashboardsExport is one run of `voc dashboards export`.
type dashboardsExport struct {
	target grafanaTarget
	out    string
	path   string
}

func newDashboardsExport() *dashboardsExport {
	return &dashboardsExport{target: newGrafanaTarget()}
}

func (m *dashboardsExport) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.out, "out", "", "output directory (required): DIR/dashboards/*.json, DIR/provisioning/{datasources,dashboards}/voc.yaml")
	fs.StringVar(&m.path, "dashboards-path", "", "where Grafana's server reads the dashboard JSON files (default: DIR/dashboards, absolute)")
	m.target.flags(fs)
}

func (m *dashboardsExport) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	if m.out == "" {
		return errors.New("--out DIR is required")
	}
	if err := m.target.resolve(env); err != nil {
		return err
	}
	files, err := dashboards.Export(dashboards.ExportOptions{
		Dir: m.out, DataSource: m.target.ds, Folder: m.target.folder,
		DashboardsPath: m.path, Dashboards: dashboards.All(),
	})
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "wrote %s\n", strings.TrimPrefix(m.out+string(os.PathSeparator)+f, "./"))
	}
	warnPending(env)
	fmt.Fprintf(env.Stdout, "Grafana: set paths.provisioning to %s/provisioning (or copy its two files into yours), install the %s plugin (v4), and export %s with the password of ClickHouse user %s.\n",
		m.out, dashboards.PluginID, m.target.ds.PasswordEnv, m.target.ds.Username)
	return nil
}

// dashboardsApply is one run of `voc dashboards apply`.
type dashboardsApply struct {
	target         grafanaTarget
	url            string
	tokenFile      string
	passwordFile   string
	overwrite      bool
	updatePassword bool
	timeout        time.Duration
}

func newDashboardsApply() *dashboardsApply {
	return &dashboardsApply{target: newGrafanaTarget(), timeout: 30 * time.Second}
}

func (m *dashboardsApply) Flags(fs *flag.FlagSet) {
	fs.StringVar(&m.url, "grafana-url", "", "Grafana's base URL, e.g. http://localhost:3000 (default $"+envGrafanaURL+")")
	fs.StringVar(&m.tokenFile, "token-file", "", "file holding a Grafana service account token (default: $"+envGrafanaToken+"; never pass a token as a flag)")
	fs.StringVar(&m.passwordFile, "password-file", "", "file holding the ClickHouse user's password (default: $VOC_ANALYST_PASSWORD (see --password-env), else $VOC_ANALYST_PASSWORD_FILE, else the analyst of a running 'voc local')")
	fs.BoolVar(&m.overwrite, "overwrite", false, "replace dashboards whatever Grafana holds (ignore its version check, take over a same-titled dashboard in the folder)")
	fs.BoolVar(&m.updatePassword, "update-password", false, "send the ClickHouse password to an existing datasource too (after rotating it; Grafana never shows it, so apply cannot compare)")
	fs.DurationVar(&m.timeout, "timeout", m.timeout, "timeout of each Grafana API request")
	m.target.flags(fs)
}

func (m *dashboardsApply) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	url := m.url
	if url == "" {
		url = env.Getenv(envGrafanaURL)
	}
	if url == "" {
		return fmt.Errorf("--grafana-url is required (or set $%s)", envGrafanaURL)
	}
	token, err := secret(env, envGrafanaToken, m.tokenFile, "Grafana token")
	if err != nil {
		return err
	}
	if token == "" {
		return fmt.Errorf("no Grafana token: set $%s or pass --token-file FILE (a service account token with the Editor role)", envGrafanaToken)
	}
	if err := m.target.resolve(env); err != nil {
		return err
	}
	password, err := secret(env, m.target.ds.PasswordEnv, m.passwordFile, "ClickHouse password")
	if err != nil {
		return err
	}
	if password == "" && m.passwordFile == "" {
		// $VOC_ANALYST_PASSWORD_FILE, or the analyst's password file of a
		// running voc local.
		if opts, err := localenv.ClickHouseAnalyst("", env.Getenv); err == nil && opts.Auth.Username == m.target.ds.Username {
			password = opts.Auth.Password
		}
	}
	if password == "" {
		fmt.Fprintf(env.Stderr, "note: no password for ClickHouse user %s ($%s or --password-file): a new datasource is created without one\n", m.target.ds.Username, m.target.ds.PasswordEnv)
		if m.updatePassword {
			return errors.New("--update-password without a password to send")
		}
	}
	api, err := dashboards.NewGrafanaClient(url, token, m.timeout)
	if err != nil {
		return err
	}
	changes, err := dashboards.Apply(ctx, api, dashboards.ApplyOptions{
		Folder: m.target.folder, DataSource: m.target.ds, Password: password,
		UpdatePassword: m.updatePassword, Overwrite: m.overwrite,
		Dashboards: dashboards.All(), Log: env.Log,
	})
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, c := range changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Kind, c.UID, c.Action, c.Title)
	}
	tw.Flush()
	if err != nil {
		return err
	}
	warnPending(env)
	if !dashboards.Changed(changes) {
		fmt.Fprintf(env.Stdout, "Grafana at %s is up to date: nothing changed.\n", url)
	} else {
		fmt.Fprintf(env.Stdout, "Grafana at %s updated: %s/dashboards/f/%s\n", url, strings.TrimRight(url, "/"), m.target.folder.UID)
	}
	return nil
}

// secret reads a secret from file when given, else from the environment
// variable name; surrounding white space is dropped.
func secret(env *Env, name, file, what string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", what, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if name == "" {
		return "", nil
	}
	return strings.TrimSpace(env.Getenv(name)), nil
}

// dashboardsGroup is `voc dashboards` without a subcommand.
type dashboardsGroup struct{}

func (*dashboardsGroup) Flags(*flag.FlagSet) {}

func (*dashboardsGroup) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unknown subcommand %q: choose export, apply or list ('voc help dashboards export')", args[0])
	}
	return errors.New("choose a subcommand: voc dashboards export|apply|list ('voc help dashboards apply' for its flags)")
}

// dashboardsList is one run of `voc dashboards list`.
type dashboardsList struct{}

func (*dashboardsList) Flags(*flag.FlagSet) {}

func (*dashboardsList) Run(ctx context.Context, env *Env, args []string) error {
	for _, d := range dashboards.All() {
		fmt.Fprintf(env.Stdout, "%s  %s  (refresh %s, default range %s)\n", d.UID, d.Title, d.Refresh, d.Range)
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		for _, p := range d.Panels {
			reads := "metrics " + strings.Join(p.Metrics, ", ")
			switch {
			case p.Rows != "":
				reads = "rows query " + p.Rows
			case p.PromQL != "":
				reads = "Prometheus " + p.PromQL
			}
			if len(p.By) > 0 {
				reads += " by " + strings.Join(p.By, ", ")
			}
			if p.TimeSeries {
				reads += " over time"
			}
			if p.Trend != "" {
				reads += "; trend " + p.Trend
			}
			if p.WoW {
				reads += "; WoW change"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", p.ID, p.Kind, p.Title, reads)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	warnPending(env)
	return nil
}

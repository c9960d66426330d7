package dashboards

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/voc-analytics/voc/internal/grafanafake"
)

const testToken = "glsa_test_token"

// rowsDashboards are two small dashboards of rows panels: what Apply does
// does not depend on the panels' queries.
func rowsDashboards() []Dashboard {
	mk := func(uid, title string) Dashboard {
		d := Dashboard{UID: uid, Title: title, Range: 24 * time.Hour, Refresh: 10 * time.Second,
			Variables: variables("channel"),
			Panels: []Panel{{Section: "Pipeline", Title: "Freshness", Kind: KindTable, Rows: "freshness", Unit: UnitSeconds,
				Thresholds: down(60, 300, 900), Width: 12, Height: 8}}}
		finish(&d)
		return d
	}
	return []Dashboard{mk("voc-test-a", "voc · Test A"), mk("voc-test-b", "voc · Test B")}
}

func applyOptions() ApplyOptions {
	return ApplyOptions{
		Folder:     Folder{UID: "voc", Title: "voc"},
		DataSource: DefaultDataSource(),
		Password:   "analyst-secret",
		Dashboards: rowsDashboards(),
	}
}

func newClient(t *testing.T, url, token string) GrafanaAPI {
	t.Helper()
	api, err := NewGrafanaClient(url, token, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func actions(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Kind + " " + c.UID + " " + c.Action + "\n")
	}
	return b.String()
}

func TestApplyCreatesThenChangesNothing(t *testing.T) {
	g := grafanafake.New(testToken)
	defer g.Close()
	api := newClient(t, g.URL, testToken)
	ctx := context.Background()

	changes, err := Apply(ctx, api, applyOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := "folder voc created\ndatasource voc-clickhouse created\ndashboard voc-test-a created\ndashboard voc-test-b created\n"
	if got := actions(changes); got != want {
		t.Fatalf("first run:\n%s\nwant\n%s", got, want)
	}
	for _, r := range g.Requests {
		if r.Authorization != "Bearer "+testToken {
			t.Errorf("%s %s sent Authorization %q", r.Method, r.Path, r.Authorization)
		}
	}
	writes := g.Writes()
	if len(writes) != 4 {
		t.Fatalf("want 4 writes (folder, datasource, 2 dashboards), got %d: %+v", len(writes), writes)
	}
	folder := writes[0]
	if folder.Method != "POST" || folder.Path != "/api/folders" || folder.Body["uid"] != "voc" || folder.Body["title"] != "voc" {
		t.Errorf("folder request %+v", folder)
	}
	ds := writes[1]
	if ds.Method != "POST" || ds.Path != "/api/datasources" {
		t.Fatalf("datasource request %s %s", ds.Method, ds.Path)
	}
	jd, _ := ds.Body["jsonData"].(map[string]any)
	sec, _ := ds.Body["secureJsonData"].(map[string]any)
	if ds.Body["type"] != PluginID || ds.Body["uid"] != "voc-clickhouse" || ds.Body["access"] != "proxy" ||
		jd["host"] != "127.0.0.1" || jd["port"] != 9000.0 || jd["protocol"] != "native" || jd["username"] != "analyst" ||
		jd["defaultDatabase"] != "voc" || sec["password"] != "analyst-secret" {
		t.Errorf("datasource payload %+v", ds.Body)
	}
	for i, uid := range []string{"voc-test-a", "voc-test-b"} {
		r := writes[2+i]
		model, _ := r.Body["dashboard"].(map[string]any)
		if r.Method != "POST" || r.Path != "/api/dashboards/db" || r.Body["folderUid"] != "voc" || r.Body["overwrite"] == true || model["uid"] != uid {
			t.Errorf("dashboard request %s %s folderUid=%v overwrite=%v uid=%v", r.Method, r.Path, r.Body["folderUid"], r.Body["overwrite"], model["uid"])
		}
		if _, has := model["version"]; has {
			t.Errorf("a new dashboard was sent with a version: %v", model["version"])
		}
	}
	if d := g.Dashboards["voc-test-a"]; d == nil || d.FolderUID != "voc" || d.Version != 1 {
		t.Fatalf("stored dashboard %+v", d)
	}

	g.Reset()
	changes, err = Apply(ctx, api, applyOptions())
	if err != nil {
		t.Fatal(err)
	}
	if Changed(changes) {
		t.Fatalf("second run changed something:\n%s", actions(changes))
	}
	if w := g.Writes(); len(w) != 0 {
		t.Fatalf("second run wrote to Grafana: %+v", w)
	}
	if g.Dashboards["voc-test-a"].Version != 1 || g.DataSources["voc-clickhouse"].Version != 1 {
		t.Fatal("second run bumped a version")
	}
}

func TestApplyUpdates(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		prepare func(g *grafanafake.Server)
		opt     func(o *ApplyOptions)
		want    string
		check   func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request)
	}{
		{
			name:    "dashboard edited in Grafana is replaced on top of its version",
			prepare: func(g *grafanafake.Server) { g.Dashboards["voc-test-b"].Model["title"] = "edited by hand" },
			want:    "folder voc unchanged\ndatasource voc-clickhouse unchanged\ndashboard voc-test-a unchanged\ndashboard voc-test-b updated\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				if len(writes) != 1 {
					t.Fatalf("writes %+v", writes)
				}
				model, _ := writes[0].Body["dashboard"].(map[string]any)
				if writes[0].Body["overwrite"] == true || model["version"] != 1.0 || writes[0].Body["folderUid"] != "voc" {
					t.Errorf("update sent overwrite=%v version=%v folderUid=%v; want no overwrite, version 1 (the stored one), folder voc", writes[0].Body["overwrite"], model["version"], writes[0].Body["folderUid"])
				}
				if d := g.Dashboards["voc-test-b"]; d.Version != 2 || d.Model["title"] != "voc · Test B" {
					t.Errorf("stored %v version %d", d.Model["title"], d.Version)
				}
			},
		},
		{
			name:    "overwrite",
			prepare: func(g *grafanafake.Server) { g.Dashboards["voc-test-a"].Model["title"] = "edited by hand" },
			opt:     func(o *ApplyOptions) { o.Overwrite = true },
			want:    "folder voc unchanged\ndatasource voc-clickhouse unchanged\ndashboard voc-test-a updated\ndashboard voc-test-b unchanged\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				model, _ := writes[0].Body["dashboard"].(map[string]any)
				if writes[0].Body["overwrite"] != true {
					t.Errorf("overwrite not sent: %v", writes[0].Body["overwrite"])
				}
				if _, has := model["version"]; has {
					t.Errorf("overwrite sent a version")
				}
			},
		},
		{
			name: "dashboard moved to another folder comes back",
			prepare: func(g *grafanafake.Server) {
				g.Folders["other"] = "other"
				g.Dashboards["voc-test-a"].FolderUID = "other"
			},
			want: "folder voc unchanged\ndatasource voc-clickhouse unchanged\ndashboard voc-test-a updated\ndashboard voc-test-b unchanged\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				if g.Dashboards["voc-test-a"].FolderUID != "voc" {
					t.Errorf("dashboard left in folder %s", g.Dashboards["voc-test-a"].FolderUID)
				}
			},
		},
		{
			name: "datasource host changed, password kept",
			opt:  func(o *ApplyOptions) { o.DataSource.Host = "clickhouse.internal" },
			want: "folder voc unchanged\ndatasource voc-clickhouse updated\ndashboard voc-test-a unchanged\ndashboard voc-test-b unchanged\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				if writes[0].Method != "PUT" || writes[0].Path != "/api/datasources/uid/voc-clickhouse" {
					t.Fatalf("datasource update %s %s", writes[0].Method, writes[0].Path)
				}
				if _, has := writes[0].Body["secureJsonData"]; has {
					t.Errorf("the password was sent again without --update-password")
				}
				ds := g.DataSources["voc-clickhouse"]
				if ds.JSONData["host"] != "clickhouse.internal" || ds.SecureJSONData["password"] != "analyst-secret" {
					t.Errorf("stored %+v", ds)
				}
			},
		},
		{
			name: "password rotated",
			opt:  func(o *ApplyOptions) { o.Password, o.UpdatePassword = "rotated", true },
			want: "folder voc unchanged\ndatasource voc-clickhouse updated\ndashboard voc-test-a unchanged\ndashboard voc-test-b unchanged\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				if g.DataSources["voc-clickhouse"].SecureJSONData["password"] != "rotated" {
					t.Errorf("password not updated")
				}
			},
		},
		{
			name:    "folder renamed back",
			prepare: func(g *grafanafake.Server) { g.Folders["voc"] = "renamed" },
			want:    "folder voc updated\ndatasource voc-clickhouse unchanged\ndashboard voc-test-a unchanged\ndashboard voc-test-b unchanged\n",
			check: func(t *testing.T, g *grafanafake.Server, writes []grafanafake.Request) {
				if writes[0].Method != "PUT" || writes[0].Path != "/api/folders/voc" || g.Folders["voc"] != "voc" {
					t.Errorf("folder update %+v, stored %q", writes[0], g.Folders["voc"])
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := grafanafake.New(testToken)
			defer g.Close()
			api := newClient(t, g.URL, testToken)
			if _, err := Apply(ctx, api, applyOptions()); err != nil {
				t.Fatal(err)
			}
			if c.prepare != nil {
				c.prepare(g)
			}
			g.Reset()
			opt := applyOptions()
			if c.opt != nil {
				c.opt(&opt)
			}
			changes, err := Apply(ctx, api, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := actions(changes); got != c.want {
				t.Fatalf("got\n%swant\n%s", got, c.want)
			}
			c.check(t, g, g.Writes())
			g.Reset()
			opt.UpdatePassword = false // a one-off: with it, every run sends the password
			if changes, err := Apply(ctx, api, opt); err != nil || Changed(changes) {
				t.Fatalf("run after the update changed something: %v\n%s", err, actions(changes))
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		token   string
		prepare func(g *grafanafake.Server)
		want    []string
	}{
		{name: "unknown token", token: "wrong", want: []string{"401", "check GRAFANA_TOKEN"}},
		{name: "viewer token", token: "viewer", prepare: func(g *grafanafake.Server) { g.Tokens["viewer"] = "Viewer" },
			want: []string{"403", "check GRAFANA_TOKEN", "Editor"}},
		{name: "saved in between", prepare: func(g *grafanafake.Server) {
			if err := applyOnce(g); err != nil {
				panic(err)
			}
			g.Dashboards["voc-test-a"].Model["title"] = "edited"
			g.SaveInBetween = map[string]bool{"voc-test-a": true}
		}, want: []string{"dashboard voc-test-a", "412 version-mismatch", "run 'voc dashboards apply' again", "--overwrite"}},
		{name: "title taken in the folder", prepare: func(g *grafanafake.Server) {
			g.Folders["voc"] = "voc"
			g.Dashboards["someone-elses"] = &grafanafake.Dashboard{ID: 7, FolderUID: "voc", Version: 3, Model: map[string]any{"uid": "someone-elses", "title": "voc · Test A"}}
		}, want: []string{"dashboard voc-test-a", "412 name-exists", "--overwrite"}},
		{name: "provisioned datasource", prepare: func(g *grafanafake.Server) {
			if err := applyOnce(g); err != nil {
				panic(err)
			}
			ds := g.DataSources["voc-clickhouse"]
			ds.ReadOnly, ds.JSONData["host"] = true, "elsewhere"
		}, want: []string{"datasource voc-clickhouse", "provisioned from a file", "voc dashboards export"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := grafanafake.New(testToken)
			defer g.Close()
			if c.prepare != nil {
				c.prepare(g)
			}
			token := c.token
			if token == "" {
				token = testToken
			}
			_, err := Apply(ctx, newClient(t, g.URL, token), applyOptions())
			if err == nil {
				t.Fatal("Apply succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func applyOnce(g *grafanafake.Server) error {
	api, err := NewGrafanaClient(g.URL, testToken, 10*time.Second)
	if err != nil {
		return err
	}
	_, err = Apply(context.Background(), api, applyOptions())
	return err
}

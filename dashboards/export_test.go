package dashboards

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/export instead of comparing with them")

const goldenDir = "testdata/export"

func goldenOptions(dir string) ExportOptions {
	return ExportOptions{
		Dir: dir, DataSource: DefaultDataSource(), Folder: Folder{UID: "voc", Title: "voc"},
		DashboardsPath: "/var/lib/grafana/dashboards/voc", Dashboards: All(),
	}
}

// TestExportGolden compares `voc dashboards export` with testdata/export.
// When a panel or a metric's SQL changes, review the diff and regenerate:
//
//	go test ./dashboards -run TestExportGolden -update
func TestExportGolden(t *testing.T) {
	dir := t.TempDir()
	files, err := Export(goldenOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(goldenDir, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(goldenDir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d golden files to %s", len(files), goldenDir)
		return
	}
	var golden []string
	err = filepath.Walk(goldenDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(goldenDir, path)
			golden = append(golden, rel)
		}
		return err
	})
	if err != nil {
		t.Fatalf("read golden files (regenerate with -update): %v", err)
	}
	sort.Strings(golden)
	got := append([]string(nil), files...)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(golden, "\n") {
		t.Fatalf("exported files\n%s\ndiffer from the golden ones\n%s\n(review, then go test ./dashboards -run TestExportGolden -update)", strings.Join(got, "\n"), strings.Join(golden, "\n"))
	}
	for _, f := range files {
		have, _ := os.ReadFile(filepath.Join(dir, f))
		want, _ := os.ReadFile(filepath.Join(goldenDir, f))
		if string(have) != string(want) {
			t.Errorf("%s differs from %s (a panel or a metric's SQL changed: review, then go test ./dashboards -run TestExportGolden -update)\n%s",
				f, filepath.Join(goldenDir, f), firstDiff(string(want), string(have)))
		}
	}
}

func firstDiff(want, have string) string {
	w, h := strings.Split(want, "\n"), strings.Split(have, "\n")
	for i := 0; i < len(w) || i < len(h); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(h) {
			b = h[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n  golden:   " + a + "\n  exported: " + b
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestExportedDashboardsReadBack decodes every exported dashboard with the
// foundation SDK (the ClickHouse query variant registered) and checks what
// Grafana and the plugin rely on.
func TestExportedDashboardsReadBack(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	cog.NewRuntime().RegisterDataqueryVariant(ClickHouseQueryVariantConfig())
	dir := t.TempDir()
	opt := goldenOptions(dir)
	if _, err := Export(opt); err != nil {
		t.Fatal(err)
	}
	for _, d := range opt.Dashboards {
		t.Run(d.UID, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "dashboards", d.UID+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var db dashboard.Dashboard
			if err := json.Unmarshal(b, &db); err != nil {
				t.Fatalf("the SDK cannot read it back: %v", err)
			}
			if db.Uid == nil || *db.Uid != d.UID || db.Title == nil || *db.Title != d.Title {
				t.Fatalf("uid/title %v %v", db.Uid, db.Title)
			}
			ids := map[uint32]bool{}
			panels := 0
			for _, pr := range db.Panels {
				if pr.RowPanel != nil {
					if ids[pr.RowPanel.Id] {
						t.Errorf("duplicate id %d", pr.RowPanel.Id)
					}
					ids[pr.RowPanel.Id] = true
					continue
				}
				p := pr.Panel
				panels++
				if p.Id == nil || ids[*p.Id] {
					t.Errorf("panel %v: missing or duplicate id", p.Title)
				} else {
					ids[*p.Id] = true
				}
				if p.Title == nil || *p.Title == "" || p.Description == nil || *p.Description == "" {
					t.Errorf("panel %v has no title or description", p.Id)
				}
				if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 || p.GridPos.X+p.GridPos.W > 24 {
					t.Errorf("panel %v: grid position %+v", *p.Title, p.GridPos)
				}
				if p.FieldConfig == nil || p.FieldConfig.Defaults.Thresholds == nil || len(p.FieldConfig.Defaults.Thresholds.Steps) == 0 {
					t.Errorf("panel %s has no thresholds", *p.Title)
				}
				if len(p.Targets) == 0 {
					t.Errorf("panel %s has no targets", *p.Title)
				}
				for _, tg := range p.Targets {
					q, ok := tg.(ClickHouseQuery)
					if !ok {
						t.Errorf("panel %s: target %T is not a ClickHouse query", *p.Title, tg)
						continue
					}
					if err := q.Validate(); err != nil {
						t.Errorf("panel %s: %v", *p.Title, err)
					}
					if q.Datasource == nil || *q.Datasource.Uid != opt.DataSource.UID || *q.Datasource.Type != PluginID {
						t.Errorf("panel %s target %s: datasource %+v", *p.Title, q.RefId, q.Datasource)
					}
					if strings.Contains(q.RawSql, "{from:") || strings.Contains(q.RawSql, "{f_") || strings.Contains(q.RawSql, "$embed") {
						t.Errorf("panel %s target %s: a query parameter is left in rawSql", *p.Title, q.RefId)
					}
				}
				if opts, _ := json.Marshal(p.Options); p.Type == "timeseries" || p.Type == "barchart" {
					var o struct {
						Legend  struct{ ShowLegend bool }
						Tooltip struct{ Mode string }
					}
					_ = json.Unmarshal(opts, &o)
					if !o.Legend.ShowLegend || o.Tooltip.Mode == "" {
						t.Errorf("panel %s: legend %v, tooltip mode %q (the SDK defaults them off)", *p.Title, o.Legend.ShowLegend, o.Tooltip.Mode)
					}
				}
			}
			if panels != len(d.Panels)-promPanels(d) {
				t.Errorf("%d panels in the JSON, %d defined", panels, len(d.Panels))
			}
			if db.Templating.List == nil || len(db.Templating.List) != len(d.Variables) {
				t.Errorf("variables: %d in the JSON, %d defined", len(db.Templating.List), len(d.Variables))
			}
		})
	}
}

func promPanels(d Dashboard) int {
	n := 0
	for _, p := range d.Panels {
		if p.PromQL != "" {
			n++
		}
	}
	return n
}

func TestProvisioningFiles(t *testing.T) {
	ds := DefaultDataSource()
	ds.Host, ds.Port, ds.Protocol, ds.Secure = "ch.example", 9440, "native", true
	b, err := DataSourceProvisioning(ds)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		APIVersion  int `yaml:"apiVersion"`
		DataSources []struct {
			Name, UID, Type, Access string
			JSONData                map[string]any    `yaml:"jsonData"`
			SecureJSONData          map[string]string `yaml:"secureJsonData"`
		} `yaml:"datasources"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.APIVersion != 1 || len(doc.DataSources) != 1 {
		t.Fatalf("%s", b)
	}
	d := doc.DataSources[0]
	if d.Type != PluginID || d.UID != "voc-clickhouse" || d.JSONData["host"] != "ch.example" || d.JSONData["port"] != 9440 ||
		d.JSONData["protocol"] != "native" || d.JSONData["secure"] != true || d.JSONData["username"] != "analyst" || d.JSONData["defaultDatabase"] != "voc" {
		t.Errorf("datasource %+v", d)
	}
	if d.SecureJSONData["password"] != "${VOC_ANALYST_PASSWORD}" {
		t.Errorf("password %q: want it read from the environment", d.SecureJSONData["password"])
	}

	b, err = DashboardProvisioning(Folder{UID: "voc", Title: "voc"}, "/dash")
	if err != nil {
		t.Fatal(err)
	}
	var prov struct {
		Providers []struct {
			Folder, FolderUID, Type string `yaml:",omitempty"`
			Options                 struct{ Path string }
		} `yaml:"providers"`
	}
	if err := yaml.Unmarshal(b, &prov); err != nil {
		t.Fatal(err)
	}
	if len(prov.Providers) != 1 || prov.Providers[0].Options.Path != "/dash" || prov.Providers[0].Type != "file" {
		t.Errorf("provider %s", b)
	}
	if !strings.Contains(string(b), "folderUid: voc") {
		t.Errorf("no folderUid:\n%s", b)
	}

	ds.PasswordEnv = "NOT A NAME"
	if _, err := Export(ExportOptions{Dir: t.TempDir(), DataSource: ds}); err == nil {
		t.Error("a password variable that is not an environment variable name was accepted")
	}
}

// TestConsumerLagNeedsPrometheus: the consumer-lag panel is drawn from a
// Prometheus datasource when one is given, and left out otherwise.
func TestConsumerLagNeedsPrometheus(t *testing.T) {
	ops, err := Get("voc-operations")
	if err != nil {
		t.Fatal(err)
	}
	without, err := Grafana(ops, DefaultDataSource())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(without), "voc_group_lag") {
		t.Error("the Prometheus panel is there without a Prometheus datasource")
	}
	ds := DefaultDataSource()
	ds.PrometheusUID = "prom"
	with, err := Grafana(ops, ds)
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Panels []struct {
			Title      string
			Datasource struct{ Type, UID string }
			Targets    []map[string]any
		}
	}
	if err := json.Unmarshal(with, &model); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range model.Panels {
		if p.Title == "Consumer lag (messages)" {
			found = true
			if p.Datasource.Type != "prometheus" || p.Datasource.UID != "prom" || len(p.Targets) != 1 ||
				!strings.Contains(p.Targets[0]["expr"].(string), "voc_group_lag") {
				t.Errorf("consumer lag panel %+v", p)
			}
		}
	}
	if !found {
		t.Error("no consumer lag panel with a Prometheus datasource")
	}
}

// TestDocsUpToDate checks the generated part of docs/dashboards.md.
func TestDocsUpToDate(t *testing.T) {
	const path = "../docs/dashboards.md"
	const begin, end = "<!-- panels: generated by go test ./dashboards -run TestDocsUpToDate -update -->\n", "<!-- end of panels -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q ... %q", path, begin, end)
	}
	fresh := doc[:i+len(begin)] + "\n" + PanelTable() + doc[j:]
	if *update {
		if err := os.WriteFile(path, []byte(fresh), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if fresh != doc {
		t.Errorf("the panel tables of %s are out of date: go test ./dashboards -run TestDocsUpToDate -update", path)
	}
}

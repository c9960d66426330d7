package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/grafanafake"
)

// runVoc runs voc in-process with the given environment.
func runVocEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(k string) string { return vars[k] }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestDashboardsExport(t *testing.T) {
	dir := t.TempDir()
	noLocal := map[string]string{"VOC_LOCAL_STATE": filepath.Join(dir, "none.json")}
	code, out, errOut := runVocEnv(t, noLocal, "dashboards", "export", "--out", dir, "--clickhouse-addr", "clickhouse.internal:9440", "--secure", "--password-env", "CH_PASS")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, f := range []string{"dashboards/voc-executive.json", "dashboards/voc-product.json", "dashboards/voc-operations.json", "dashboards/voc-suggestions.json",
		"provisioning/datasources/voc.yaml", "provisioning/dashboards/voc.yaml"} {
		if !strings.Contains(out, f) {
			t.Errorf("output does not list %s:\n%s", f, out)
		}
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	ds, _ := os.ReadFile(filepath.Join(dir, "provisioning/datasources/voc.yaml"))
	for _, want := range []string{"host: clickhouse.internal", "port: 9440", "secure: true", "username: analyst", "password: ${CH_PASS}"} {
		if !strings.Contains(string(ds), want) {
			t.Errorf("datasource provisioning lacks %q:\n%s", want, ds)
		}
	}
	prov, _ := os.ReadFile(filepath.Join(dir, "provisioning/dashboards/voc.yaml"))
	if !strings.Contains(string(prov), "path: "+filepath.Join(dir, "dashboards")) {
		t.Errorf("dashboard provider does not point at the exported files:\n%s", prov)
	}
	var model map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "dashboards/voc-operations.json"))
	if err := json.Unmarshal(b, &model); err != nil || model["uid"] != "voc-operations" || model["refresh"] != "10s" {
		t.Errorf("operations dashboard: uid %v refresh %v (%v)", model["uid"], model["refresh"], err)
	}

	if code, _, errOut := runVocEnv(t, noLocal, "dashboards", "export"); code == 0 || !strings.Contains(errOut, "--out") {
		t.Errorf("export without --out: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runVocEnv(t, noLocal, "dashboards", "export", "--out", dir, "--clickhouse-addr", "nohost"); code == 0 || !strings.Contains(errOut, "host:port") {
		t.Errorf("bad --clickhouse-addr: exit %d, %s", code, errOut)
	}
}

func TestDashboardsApply(t *testing.T) {
	g := grafanafake.New("tok-editor")
	defer g.Close()
	dir := t.TempDir()
	vars := map[string]string{"GRAFANA_TOKEN": "tok-editor", "VOC_ANALYST_PASSWORD": "pw", "VOC_LOCAL_STATE": filepath.Join(dir, "none.json")}

	code, out, errOut := runVocEnv(t, vars, "dashboards", "apply", "--grafana-url", g.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "created") != 6 || !strings.Contains(out, "updated: "+g.URL+"/dashboards/f/voc") {
		t.Errorf("first apply:\n%s", out)
	}
	if ds := g.DataSources["voc-clickhouse"]; ds == nil || ds.SecureJSONData["password"] != "pw" {
		t.Errorf("datasource %+v", ds)
	}
	code, out, errOut = runVocEnv(t, vars, "dashboards", "apply", "--grafana-url", g.URL)
	if code != 0 || !strings.Contains(out, "up to date: nothing changed") || strings.Contains(out, "created") || strings.Contains(out, "updated") {
		t.Errorf("second apply: exit %d\n%s%s", code, out, errOut)
	}

	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("tok-editor\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noToken := map[string]string{"VOC_LOCAL_STATE": vars["VOC_LOCAL_STATE"]}
	if code, out, errOut := runVocEnv(t, noToken, "dashboards", "apply", "--grafana-url", g.URL, "--token-file", tokenFile); code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("--token-file: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runVocEnv(t, noToken, "dashboards", "apply", "--grafana-url", g.URL); code == 0 || !strings.Contains(errOut, "GRAFANA_TOKEN") {
		t.Errorf("no token: exit %d, %s", code, errOut)
	}
	if code, _, _ := runVocEnv(t, noToken, "dashboards", "apply", "--grafana-url", g.URL, "--token", "tok-editor"); code != 2 {
		t.Errorf("a --token flag was accepted (exit %d): tokens must not be flag values", code)
	}
	bad := map[string]string{"GRAFANA_TOKEN": "wrong", "VOC_LOCAL_STATE": vars["VOC_LOCAL_STATE"]}
	if code, _, errOut := runVocEnv(t, bad, "dashboards", "apply", "--grafana-url", g.URL); code != 1 || !strings.Contains(errOut, "check GRAFANA_TOKEN") {
		t.Errorf("wrong token: exit %d, %s", code, errOut)
	}
}

func TestDashboardsList(t *testing.T) {
	code, out, errOut := runVocEnv(t, nil, "dashboards", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"voc-executive", "voc-product", "voc-operations", "voc-suggestions", "metrics fcr", "rows query quotes"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
}

func TestDashboardsWithoutSubcommand(t *testing.T) {
	for _, args := range [][]string{{"dashboards"}, {"dashboards", "publish"}} {
		code, _, errOut := runVocEnv(t, nil, args...)
		if code == 0 || !strings.Contains(errOut, "export") || !strings.Contains(errOut, "apply") {
			t.Errorf("voc %v: exit %d, %s", args, code, errOut)
		}
	}
}

// TestDashboardsApplyAnalystFromEnvironment: without --clickhouse-addr and a
// password, apply takes the read-only analyst of $VOC_ANALYST_DSN and its
// password file, as voc serve does.
func TestDashboardsApplyAnalystFromEnvironment(t *testing.T) {
	g := grafanafake.New("tok")
	defer g.Close()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "analyst.password")
	if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"GRAFANA_TOKEN": "tok", "VOC_LOCAL_STATE": filepath.Join(dir, "none.json"),
		"VOC_ANALYST_DSN": "clickhouse://analyst@ch.internal:9440/vocprod", "VOC_ANALYST_PASSWORD_FILE": pwFile}
	if code, out, errOut := runVocEnv(t, vars, "dashboards", "apply", "--grafana-url", g.URL); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	ds := g.DataSources["voc-clickhouse"]
	if ds == nil || ds.JSONData["host"] != "ch.internal" || ds.JSONData["port"] != 9440.0 || ds.JSONData["defaultDatabase"] != "vocprod" ||
		ds.JSONData["username"] != "analyst" || ds.SecureJSONData["password"] != "from-file" {
		t.Fatalf("datasource %+v", ds)
	}
}

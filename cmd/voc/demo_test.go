package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoEndToEnd runs `voc demo --exit` as a user would: embedded
// services, generated history, today's live trickle through Kafka and the
// pipeline, figures from the views.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(vocBin, "demo", "--exit", "--days", "2", "--contacts-per-day", "1500",
		"--clickhouse-port", "0", "--http-port", "0", "--kafka-port", "0", "--data-dir", filepath.Join(dir, "demo"))
	cmd.Env = append(cmd.Environ(), "VOC_LOCAL_STATE="+filepath.Join(dir, "state.json"), "VOC_DEMO_OPS_ADDR=127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("voc demo: %v\n%s", err, out)
	}
	for _, want := range []string{"History loaded", "Live trickle", "Ingested everything", "== contacts by channel", "app ", "phone ", "== surveys", "== tickets", "== rejects", "SQL as the read-only analyst"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

package browser

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func chromium(t *testing.T) string {
	t.Helper()
	bin, err := Find(os.Getenv)
	if err != nil {
		t.Fatalf("%v (CI installs Debian's chromium)", err)
	}
	return bin
}

// TestLoadReportsErrors: the harness itself must catch what it is for, or a
// clean result of the report's page would prove nothing.
func TestLoadReportsErrors(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!DOCTYPE html><title>bad</title><img src="missing.png"><script>console.error("boom"); console.log("just-a-log"); undefinedFn();</script>`), 0o644)
	good := filepath.Join(dir, "good.html")
	os.WriteFile(good, []byte(`<!DOCTYPE html><title>good</title><svg width="10" height="10"><rect width="10" height="10"/></svg><script>console.log("only a log")</script>`), 0o644)

	res, err := Load(context.Background(), bin, "file://"+bad, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Errors, "\n")
	for _, want := range []string{"console.error: boom", "undefinedFn", "missing.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors of bad.html lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "just-a-log") {
		t.Errorf("console.log reported as an error:\n%s", all)
	}

	res, err = Load(context.Background(), bin, "file://"+good, Options{Screenshot: true, Width: 400, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || res.Title != "good" {
		t.Errorf("good.html: title %q, errors %v", res.Title, res.Errors)
	}
	if !bytes.HasPrefix(res.Screenshot, []byte("\x89PNG")) {
		t.Errorf("screenshot is not a PNG (%d bytes)", len(res.Screenshot))
	}
}

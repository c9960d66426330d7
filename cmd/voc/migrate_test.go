package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/testenv"
)

// TestMigrateCreateUsersWiring: --create-users generates the password files
// (0600) and runs the user SQL; the embedded server has no SQL access
// control, so it ends with advice rather than a half-done change.
// internal/chusers tests the SQL and the roles' grants themselves.
func TestMigrateCreateUsersWiring(t *testing.T) {
	db := testenv.NewDB(t)
	dir := filepath.Join(t.TempDir(), "users")
	cmd := exec.Command(vocBin, "migrate", "--clickhouse", db.DSN(), "--create-users", "--users-dir", dir, "--writer-user", "w_cli", "--analyst-user", "a_cli")
	cmd.Env = append(cmd.Environ(), db.PasswordEnv())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "database "+db.Name+": 0 migration(s) applied") || !strings.Contains(string(out), "local_directory") {
		t.Fatalf("voc migrate --create-users on the embedded server: %v\n%s\nwant the migrations applied, then advice about SQL access control", err, out)
	}
	for _, f := range []string{"w_cli.password", "a_cli.password"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, want a 0600 password file", f, err)
		}
	}
}

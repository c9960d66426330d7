package chlocal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voc-analytics/voc/internal/chusers"
)

// TestUsersLockOutAnonymousAndKeepPasswords: passwords are generated into
// 0600 files, `default` (the engine's own start-up user) can do nothing once
// the listeners are open, the writer and analyst log in, passwords survive a
// restart and a changed password file rotates the password.
func TestUsersLockOutAnonymousAndKeepPasswords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Start(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Stop(ctx) }()

	if st, err := os.Stat(s.UsersDir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("users dir %s: mode %v (err %v), want 0700", s.UsersDir, st.Mode().Perm(), err)
	}
	for _, f := range []string{s.Writer.PasswordFile, s.Analyst.PasswordFile, filepath.Join(s.UsersDir, "users.xml"), filepath.Join(s.UsersDir, "config.xml")} {
		st, err := os.Stat(f)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v (err %v), want 0600", f, st.Mode().Perm(), err)
		}
	}
	if s.Writer.User != "voc" || s.Analyst.User != "analyst" || len(s.Writer.Password) < 20 || s.Writer.Password == s.Analyst.Password {
		t.Fatalf("logins %q/%q: want voc and analyst with distinct long passwords", s.Writer.User, s.Analyst.User)
	}
	if b, _ := os.ReadFile(filepath.Join(s.UsersDir, "users.xml")); strings.Contains(string(b), s.Writer.Password) {
		t.Fatal("users.xml holds the writer's password in clear; want only its sha256")
	}
	if strings.Contains(s.DSN("voc"), s.Writer.Password) {
		t.Fatal("DSN holds the password")
	}

	anonymous := chusers.Login{}
	refused := []struct{ name, query, want string }{
		{"stop the listeners", "SYSTEM STOP LISTEN TCP", "QUOTA_EXCEEDED"},
		{"read numbers", "SELECT count() FROM numbers(10)", "QUOTA_EXCEEDED"},
		{"create a table", "CREATE TABLE default.t (x UInt8) ENGINE = Memory", "Exception"},
		{"read users", "SELECT name FROM system.users", "Exception"},
		{"shut down", "SYSTEM SHUTDOWN", "Exception"},
	}
	for _, tc := range refused {
		t.Run("anonymous cannot "+tc.name, func(t *testing.T) {
			code, body := httpAs(t, s, anonymous, tc.query)
			if code == 200 || !strings.Contains(body, tc.want) {
				t.Fatalf("anonymous %q: status %d %q, want refused with %s", tc.query, code, body, tc.want)
			}
		})
	}
	if code, body := httpAs(t, s, chusers.Login{User: "voc", Password: "wrong"}, "SELECT 1"); code == 200 || !strings.Contains(body, "AUTHENTICATION_FAILED") {
		t.Fatalf("wrong writer password: status %d %q, want AUTHENTICATION_FAILED", code, body)
	}
	// The server still listens after the refused SYSTEM STOP LISTEN.
	if got := httpQuery(t, s, "SELECT currentUser()"); got != "voc" {
		t.Fatalf("writer is %q", got)
	}
	httpQuery(t, s, "CREATE DATABASE keep")
	httpQuery(t, s, "CREATE TABLE keep.t (x UInt8) ENGINE = MergeTree ORDER BY x")
	httpQuery(t, s, "INSERT INTO keep.t VALUES (1)")
	if code, body := httpAs(t, s, s.Analyst, "SELECT sum(x) FROM keep.t"); code != 200 || body != "1" {
		t.Fatalf("analyst read: %d %q", code, body)
	}

	// Restart: same passwords. Then rotate the analyst's by editing its file.
	writerPW, analystPW := s.Writer.Password, s.Analyst.Password
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Analyst.PasswordFile, []byte("rotated-analyst-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err = Start(ctx, Config{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	if s.Writer.Password != writerPW {
		t.Fatal("writer password changed across a restart")
	}
	if s.Analyst.Password != "rotated-analyst-password" {
		t.Fatalf("analyst password %q, want the one written to its file", s.Analyst.Password)
	}
	if code, body := httpAs(t, s, chusers.Login{User: "analyst", Password: analystPW}, "SELECT 1"); code == 200 {
		t.Fatalf("old analyst password still accepted: %q", body)
	}
	if code, body := httpAs(t, s, s.Analyst, "SELECT sum(x) FROM keep.t"); code != 200 || body != "1" {
		t.Fatalf("analyst with rotated password: %d %q", code, body)
	}
	if code, body := httpAs(t, s, anonymous, "SELECT count() FROM numbers(10)"); code == 200 || !strings.Contains(body, "QUOTA_EXCEEDED") {
		t.Fatalf("after restart anonymous got %d %q, want QUOTA_EXCEEDED", code, body)
	}
}

package localenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolutionOrder(t *testing.T) {
	state := filepath.Join(t.TempDir(), "local.json")
	if err := WriteState(state, State{PID: os.Getpid(), ClickHouseDSN: "clickhouse://127.0.0.1:1/voc", Kafka: "127.0.0.1:2"}); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(t.TempDir(), "dead.json")
	if err := WriteState(dead, State{PID: 1 << 30, ClickHouseDSN: "clickhouse://x/voc", Kafka: "x:1"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		flag        string
		env         map[string]string
		wantDSN     string
		wantBrokers string
		wantErr     bool
	}{
		{"flag wins", "clickhouse://flag:9000/voc", map[string]string{EnvClickHouseDSN: "clickhouse://env/voc", EnvStateFile: state}, "clickhouse://flag:9000/voc", "127.0.0.1:2", false},
		{"env before state", "", map[string]string{EnvClickHouseDSN: "clickhouse://env:9000/voc", EnvKafkaBrokers: "k1:9092, k2:9092", EnvStateFile: state}, "clickhouse://env:9000/voc", "k1:9092,k2:9092", false},
		{"running voc local", "", map[string]string{EnvStateFile: state}, "clickhouse://127.0.0.1:1/voc", "127.0.0.1:2", false},
		{"stale state file is ignored", "", map[string]string{EnvStateFile: dead}, "", "", true},
		{"nothing configured", "", map[string]string{EnvStateFile: filepath.Join(t.TempDir(), "none.json")}, "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dsn, err := ClickHouseDSN(tc.flag, envOf(tc.env))
			if tc.wantErr {
				if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "voc local") {
					t.Fatalf("err = %v, want ErrNotFound with advice", err)
				}
				if _, err := Brokers("", envOf(tc.env)); !errors.Is(err, ErrNotFound) {
					t.Fatalf("brokers err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil || dsn != tc.wantDSN {
				t.Fatalf("dsn = %q, %v; want %q", dsn, err, tc.wantDSN)
			}
			b, err := Brokers("", envOf(tc.env))
			if err != nil || strings.Join(b, ",") != tc.wantBrokers {
				t.Fatalf("brokers = %v, %v; want %s", b, err, tc.wantBrokers)
			}
		})
	}
}

func TestClickHouseOptionsSecrets(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	tests := []struct {
		name, dsn string
		env       map[string]string
		wantPass  string
		wantDB    string
	}{
		{"password from env", "clickhouse://u@h:9000/analytics", map[string]string{EnvClickHousePassword: "p1"}, "p1", "analytics"},
		{"password from file", "clickhouse://u@h:9000", map[string]string{EnvClickHousePassFile: pw}, "s3cret", "voc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := ClickHouseOptions(tc.dsn, envOf(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if o.Auth.Password != tc.wantPass || o.Auth.Database != tc.wantDB {
				t.Fatalf("password %q db %q, want %q %q", o.Auth.Password, o.Auth.Database, tc.wantPass, tc.wantDB)
			}
		})
	}
	if got := Redact("clickhouse://user:hunter2@h:9000/voc"); strings.Contains(got, "hunter2") {
		t.Fatalf("Redact leaked the password: %s", got)
	}
}

// TestLocalCredentials: a DSN pointing at a running voc local gets the
// password of its user from the published password file; no user means
// the writer; the analyst resolution never falls back to the writer's DSN.
func TestLocalCredentials(t *testing.T) {
	dir := t.TempDir()
	writerPW, analystPW := filepath.Join(dir, "voc.password"), filepath.Join(dir, "analyst.password")
	os.WriteFile(writerPW, []byte("w-secret\n"), 0o600)
	os.WriteFile(analystPW, []byte("a-secret\n"), 0o600)
	state := filepath.Join(dir, "local.json")
	if err := WriteState(state, State{PID: os.Getpid(), ClickHouse: "127.0.0.1:19000", ClickHouseDSN: "clickhouse://voc@127.0.0.1:19000/voc",
		Users: map[string]Login{
			RoleWriter:  {User: "voc", PasswordFile: writerPW, DSN: "clickhouse://voc@127.0.0.1:19000/voc"},
			RoleAnalyst: {User: "analyst", PasswordFile: analystPW, DSN: "clickhouse://analyst@127.0.0.1:19000/voc"},
		}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(state); strings.Contains(string(b), "secret") {
		t.Fatal("state file holds a password")
	}
	tests := []struct {
		name, dsn          string
		env                map[string]string
		wantUser, wantPass string
	}{
		{"writer of voc local", "clickhouse://voc@127.0.0.1:19000/voc", nil, "voc", "w-secret"},
		{"no user means the writer", "clickhouse://127.0.0.1:19000/voc", nil, "voc", "w-secret"},
		{"localhost is loopback", "clickhouse://analyst@localhost:19000/voc", nil, "analyst", "a-secret"},
		{"environment wins", "clickhouse://voc@127.0.0.1:19000/voc", map[string]string{EnvClickHousePassword: "from-env"}, "voc", "from-env"},
		{"another server gets nothing", "clickhouse://voc@10.0.0.1:9000/voc", nil, "voc", ""},
		{"unknown user gets nothing", "clickhouse://bob@127.0.0.1:19000/voc", nil, "bob", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{EnvStateFile: state}
			for k, v := range tc.env {
				env[k] = v
			}
			o, err := ClickHouseOptions(tc.dsn, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			if o.Auth.Username != tc.wantUser || o.Auth.Password != tc.wantPass {
				t.Fatalf("user %q password %q, want %q %q", o.Auth.Username, o.Auth.Password, tc.wantUser, tc.wantPass)
			}
		})
	}

	analystTests := []struct {
		name, flag         string
		env                map[string]string
		wantUser, wantPass string
		wantErr            bool
	}{
		{"analyst of voc local", "", map[string]string{EnvStateFile: state, EnvClickHouseDSN: "clickhouse://voc@127.0.0.1:19000/voc"}, "analyst", "a-secret", false},
		{"flag", "clickhouse://ro@db:9000/voc", map[string]string{EnvStateFile: state, EnvAnalystPassword: "ro-pw"}, "ro", "ro-pw", false},
		{"env DSN and password file", "", map[string]string{EnvAnalystDSN: "clickhouse://ro@db:9000/voc", EnvAnalystPassFile: analystPW}, "ro", "a-secret", false},
		{"never the writer's DSN", "", map[string]string{EnvClickHouseDSN: "clickhouse://voc@db:9000/voc", EnvStateFile: filepath.Join(dir, "none.json")}, "", "", true},
	}
	for _, tc := range analystTests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := ClickHouseAnalyst(tc.flag, envOf(tc.env))
			if tc.wantErr {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Auth.Username != tc.wantUser || o.Auth.Password != tc.wantPass {
				t.Fatalf("user %q password %q, want %q %q", o.Auth.Username, o.Auth.Password, tc.wantUser, tc.wantPass)
			}
		})
	}
}

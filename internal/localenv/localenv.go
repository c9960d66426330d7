// Package localenv resolves where voc's external systems are: ClickHouse and
// Kafka come from a flag, else an environment variable, else the state file
// that a running `voc local` writes, so that every command works against the
// embedded services without being told their ports. OpenClickHouse falls
// back to starting the embedded server when nothing is configured; Start
// runs the embedded ClickHouse and Kafka of `voc local` and `voc demo`.
package localenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// Environment variables read by every command.
const (
	EnvClickHouseDSN      = "VOC_CLICKHOUSE_DSN"
	EnvClickHousePassword = "VOC_CLICKHOUSE_PASSWORD"      // secret; never a flag
	EnvClickHousePassFile = "VOC_CLICKHOUSE_PASSWORD_FILE" // file holding the password
	EnvKafkaBrokers       = "VOC_KAFKA_BROKERS"
	EnvStateFile          = "VOC_LOCAL_STATE"
	// The read-only analyst (voc serve's SQL page, exports, Grafana):
	// never the writer's DSN or password.
	EnvAnalystDSN      = "VOC_ANALYST_DSN"
	EnvAnalystPassword = "VOC_ANALYST_PASSWORD"
	EnvAnalystPassFile = "VOC_ANALYST_PASSWORD_FILE"
)

// Roles published in State.Users.
const (
	RoleWriter  = "writer"
	RoleAnalyst = "analyst"
)

// ErrNotFound means neither flag, environment nor a running `voc local` says
// where the system is.
var ErrNotFound = errors.New("not configured")

// State is what `voc local` publishes about the services it runs.
type State struct {
	PID            int      `json:"pid"`
	ClickHouse     string   `json:"clickhouse_native"` // host:port
	ClickHouseHTTP string   `json:"clickhouse_http"`   // host:port
	ClickHouseDSN  string   `json:"clickhouse_dsn"`
	Database       string   `json:"database"`
	Kafka          string   `json:"kafka_bootstrap"` // host:port
	Topics         []string `json:"topics"`
	DataDir        string   `json:"data_dir"`
	StartedAt      string   `json:"started_at"`
	// Users says how to log in to ClickHouse as each role (RoleWriter,
	// RoleAnalyst). ClickHouseDSN is the writer's. Passwords stay in the
	// 0600 files named here, never in the state file.
	Users map[string]Login `json:"users,omitempty"`
}

// Login is how to connect to the embedded ClickHouse as one user.
type Login struct {
	User         string `json:"user"`
	PasswordFile string `json:"password_file"` // 0600; the password is its first line
	DSN          string `json:"dsn"`           // native protocol, without the password
	HTTP         string `json:"http"`          // HTTP interface: curl -u USER:"$(cat PASSWORD_FILE)" URL
}

// StatePath is where `voc local` writes its state: $VOC_LOCAL_STATE, else
// $XDG_STATE_HOME/voc/local.json, else ~/.local/state/voc/local.json.
func StatePath(getenv func(string) string) string {
	if p := getenv(EnvStateFile); p != "" {
		return p
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "voc", "local.json")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "voc-local.json")
	}
	return filepath.Join(home, ".local", "state", "voc", "local.json")
}

// WriteState publishes s at path (atomically).
func WriteState(path string, s State) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write voc local state: %w", err)
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write voc local state: %w", err)
	}
	return os.Rename(tmp, path)
}

// ReadState returns the state of a running `voc local`, or ErrNotFound when
// there is none (no file, or its process is gone).
func ReadState(getenv func(string) string) (State, error) {
	var s State
	b, err := os.ReadFile(StatePath(getenv))
	if err != nil {
		return s, ErrNotFound
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("read %s: %w", StatePath(getenv), err)
	}
	if s.PID <= 0 || syscall.Kill(s.PID, 0) != nil {
		return s, ErrNotFound
	}
	return s, nil
}

// Brokers returns the Kafka bootstrap addresses: flagValue, else
// VOC_KAFKA_BROKERS, else a running `voc local`.
func Brokers(flagValue string, getenv func(string) string) ([]string, error) {
	v := flagValue
	if v == "" {
		v = getenv(EnvKafkaBrokers)
	}
	if v == "" {
		s, err := ReadState(getenv)
		if err != nil {
			return nil, fmt.Errorf("no Kafka brokers: pass --brokers host:port,..., set %s, or start the embedded ones with 'voc local' (%w)", EnvKafkaBrokers, err)
		}
		v = s.Kafka
	}
	var out []string
	for _, b := range strings.Split(v, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Kafka brokers in %q", v)
	}
	return out, nil
}

// ClickHouseDSN returns the DSN: flagValue, else VOC_CLICKHOUSE_DSN, else a
// running `voc local`. The error wraps ErrNotFound when none is configured;
// callers may then start an embedded server.
func ClickHouseDSN(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := getenv(EnvClickHouseDSN); v != "" {
		return v, nil
	}
	s, err := ReadState(getenv)
	if err != nil {
		return "", fmt.Errorf("no ClickHouse: pass --clickhouse DSN, set %s, or start the embedded one with 'voc local' (%w)", EnvClickHouseDSN, err)
	}
	return s.ClickHouseDSN, nil
}

// ClickHouseOptions parses dsn (clickhouse://user@host:port/db?params) and
// adds the password from VOC_CLICKHOUSE_PASSWORD or the file named by
// VOC_CLICKHOUSE_PASSWORD_FILE, so secrets never sit in flags or logs.
// Failing those, when dsn points at a running `voc local`, the password
// comes from that user's password file (a DSN naming no user there means
// the writer, "voc"). The database defaults to voc.
func ClickHouseOptions(dsn string, getenv func(string) string) (*clickhouse.Options, error) {
	return clickHouseOptions(dsn, getenv, EnvClickHousePassword, EnvClickHousePassFile)
}

// ClickHouseAnalyst returns how to connect as the read-only analyst:
// flagValue, else VOC_ANALYST_DSN, else the analyst of a running `voc
// local`. The password comes from VOC_ANALYST_PASSWORD or
// VOC_ANALYST_PASSWORD_FILE, else from the voc local user's password file.
// It never falls back to the writer's DSN (VOC_CLICKHOUSE_DSN). The error
// wraps ErrNotFound when nothing is configured.
func ClickHouseAnalyst(flagValue string, getenv func(string) string) (*clickhouse.Options, error) {
	dsn := flagValue
	if dsn == "" {
		dsn = getenv(EnvAnalystDSN)
	}
	if dsn == "" {
		s, err := ReadState(getenv)
		if err != nil {
			return nil, fmt.Errorf("no ClickHouse analyst: pass --clickhouse DSN of a read-only user, set %s, or start the embedded ClickHouse with 'voc local' (%w)", EnvAnalystDSN, err)
		}
		l, ok := s.Users[RoleAnalyst]
		if !ok {
			return nil, fmt.Errorf("the running voc local (pid %d) publishes no analyst user: restart it with this version of voc (%w)", s.PID, ErrNotFound)
		}
		dsn = l.DSN
	}
	return clickHouseOptions(dsn, getenv, EnvAnalystPassword, EnvAnalystPassFile)
}

func clickHouseOptions(dsn string, getenv func(string) string, passwordEnv, passwordFileEnv string) (*clickhouse.Options, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse ClickHouse DSN %s (want clickhouse://user@host:9000/voc): %w", Redact(dsn), err)
	}
	if p := getenv(passwordEnv); p != "" {
		opts.Auth.Password = p
	} else if f := getenv(passwordFileEnv); f != "" {
		if opts.Auth.Password, err = readPasswordFile(f); err != nil {
			return nil, fmt.Errorf("%s: %w", passwordFileEnv, err)
		}
	} else if opts.Auth.Password == "" {
		if err := localPassword(opts, getenv); err != nil {
			return nil, err
		}
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = "voc"
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 5 * time.Second
	}
	return opts, nil
}

// localPassword fills in the password of a user of a running `voc local`
// when opts point at its ClickHouse.
func localPassword(opts *clickhouse.Options, getenv func(string) string) error {
	s, err := ReadState(getenv)
	if err != nil || len(opts.Addr) != 1 || !sameAddr(opts.Addr[0], s.ClickHouse) {
		return nil
	}
	if opts.Auth.Username == "" {
		opts.Auth.Username = s.Users[RoleWriter].User
	}
	for _, l := range s.Users {
		if l.User == opts.Auth.Username && l.PasswordFile != "" {
			pw, err := readPasswordFile(l.PasswordFile)
			if err != nil {
				return fmt.Errorf("password of ClickHouse user %s of the running voc local: %w", l.User, err)
			}
			opts.Auth.Password = pw
		}
	}
	return nil
}

func sameAddr(a, b string) bool {
	norm := func(s string) string { return strings.Replace(s, "localhost:", "127.0.0.1:", 1) }
	return norm(a) == norm(b)
}

func readPasswordFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read password file: %w", err)
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(pw), nil
}

// Redact returns dsn without its password, for logs.
func Redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":***" + dsn[at:]
	}
	return dsn
}

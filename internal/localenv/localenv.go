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
// The database defaults to voc.
func ClickHouseOptions(dsn string, getenv func(string) string) (*clickhouse.Options, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse ClickHouse DSN (want clickhouse://host:9000/voc): %w", err)
	}
	if p := getenv(EnvClickHousePassword); p != "" {
		opts.Auth.Password = p
	} else if f := getenv(EnvClickHousePassFile); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", EnvClickHousePassFile, err)
		}
		opts.Auth.Password = strings.TrimSpace(string(b))
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = "voc"
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 5 * time.Second
	}
	return opts, nil
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

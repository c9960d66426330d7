package chusers_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/chusers"
	"github.com/voc-analytics/voc/internal/migrate"
	"github.com/voc-analytics/voc/internal/testenv"
	vocsql "github.com/voc-analytics/voc/sql"
)

var update = flag.Bool("update", false, "rewrite docs/clickhouse-users.sql")

func TestMain(m *testing.M) { testenv.Main(m) }

// ClickHouse error codes the refusals carry.
const (
	codeUnknownTable  = 60
	codeReadonly      = 164
	codeAccessDenied  = 497
	codeSyntaxOrUnkFn = 46
	codeConstraint    = 452 // SETTING_CONSTRAINT_VIOLATION
)

type check struct {
	name  string
	query string
	codes []int32 // refused with one of these; nil: must succeed
}

// analystChecks is what a read-only analyst may and may not do.
func analystChecks(db string, port string) []check {
	denied := []int32{codeAccessDenied, codeReadonly}
	var out []check
	out = append(out,
		check{"read a view", "SELECT count() FROM " + db + ".contacts", nil},
		check{"read a table", "SELECT count() FROM " + db + ".ticket_events", nil},
		check{"read the catalogue", "SELECT count() FROM system.columns WHERE database = '" + db + "'", nil},
		check{"insert", "INSERT INTO " + db + ".rejects (topic, kafka_partition, kafka_offset, reason) VALUES ('voc.chats', 0, 1, 'x')", denied},
		check{"drop a view", "DROP TABLE " + db + ".contacts", denied},
		check{"drop a table", "DROP TABLE " + db + ".ticket_events", denied},
		check{"drop the database", "DROP DATABASE " + db, denied},
		check{"truncate", "TRUNCATE TABLE " + db + ".rejects", denied},
		check{"alter delete", "ALTER TABLE " + db + ".ticket_events DELETE WHERE 1", denied},
		check{"alter add column", "ALTER TABLE " + db + ".ticket_events ADD COLUMN x UInt8", denied},
		check{"create a table", "CREATE TABLE " + db + ".x (a UInt8) ENGINE = Memory", denied},
		check{"create a temporary table", "CREATE TEMPORARY TABLE x (a UInt8)", denied},
		check{"optimize", "OPTIMIZE TABLE " + db + ".rejects FINAL", denied},
		check{"lift its execution time limit", "SET max_execution_time = 0", []int32{codeReadonly, codeConstraint}},
		check{"raise its execution time", "SELECT 1 SETTINGS max_execution_time = 3600", []int32{codeReadonly, codeConstraint}},
		// Grafana's ClickHouse plugin sets max_execution_time on every query.
		check{"lower its execution time, as Grafana does", "SELECT 1 SETTINGS max_execution_time = 60", nil},
		check{"set a result limit in a query", "SELECT 1 SETTINGS max_result_rows = 10", []int32{codeReadonly}},
		check{"change its memory overflow mode", "SELECT 1 SETTINGS result_overflow_mode = 'break'", []int32{codeReadonly}},
		check{"turn readonly off", "SELECT 1 SETTINGS readonly = 0", []int32{codeReadonly}},
		check{"raise its memory", "SELECT 1 SETTINGS max_memory_usage = 0", []int32{codeReadonly}},
		check{"read a file", "SELECT * FROM file('/etc/passwd', 'LineAsString')", denied},
		check{"read a URL", "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')", denied},
		check{"reach the server as someone else", "SELECT * FROM remote('127.0.0.1:" + port + "', system.one, 'voc', 'x')", denied},
		check{"create a user", "CREATE USER intruder IDENTIFIED WITH plaintext_password BY 'x'", denied},
		check{"grant itself more", "GRANT ALL ON *.* TO CURRENT_USER", denied},
		check{"kill queries", "KILL QUERY WHERE 1", denied},
		check{"shut the server down", "SYSTEM SHUTDOWN", denied},
		check{"drop caches", "SYSTEM DROP MARK CACHE", denied},
		// No cap on result rows (an export streams any number): only
		// memory, time and concurrency are limited.
		check{"stream a result of over a million rows", "SELECT number FROM numbers(2000000)", nil},
		// rejects.payload is the raw, unredacted input: closed; the
		// other columns of rejects are open.
		check{"read the raw payload of rejects", "SELECT payload FROM " + db + ".rejects", []int32{codeAccessDenied}},
		check{"read the raw payload through an expression", "SELECT substring(payload, 1, 4) FROM " + db + ".rejects", []int32{codeAccessDenied}},
		check{"probe the raw payload in a filter", "SELECT count() FROM " + db + ".rejects WHERE payload LIKE '%138%'", []int32{codeAccessDenied}},
		check{"probe the raw payload in a PREWHERE", "SELECT reason FROM " + db + ".rejects PREWHERE payload LIKE '%138%'", []int32{codeAccessDenied}},
		// Not checked: length(payload) works, as ClickHouse reads it from
		// the size subcolumn, which the column's revoke does not cover
		// (the length only, never a byte; docs/clickhouse-users.sql).
		check{"read the raw payload with hex", "SELECT hex(payload) FROM " + db + ".rejects", []int32{codeAccessDenied}},
		check{"read the raw payload through a subquery", "SELECT * FROM (SELECT * FROM " + db + ".rejects)", []int32{codeAccessDenied}},
		check{"read every column of rejects", "SELECT * FROM " + db + ".rejects", []int32{codeAccessDenied}},
		check{"read why messages were rejected", "SELECT topic, kafka_partition, kafka_offset, reason, field, detail, event_id, rejected_at FROM " + db + ".rejects", nil},
		check{"count rejects by reason", "SELECT reason, count() FROM " + db + ".rejects GROUP BY reason", nil},
		check{"count rejects", "SELECT count() FROM " + db + ".rejects", nil},
		check{"count rejects, each once", "SELECT count() FROM " + db + ".rejects FINAL", nil},
	)
	for _, table := range []string{"users", "grants", "role_grants", "roles", "settings_profiles", "settings_profile_elements",
		"quotas", "quotas_usage", "row_policies", "named_collections", "processes", "query_log", "zookeeper", "user_directories"} {
		out = append(out, check{"read system." + table, "SELECT * FROM system." + table + " LIMIT 1", []int32{codeAccessDenied, codeUnknownTable}})
	}
	return out
}

func runChecks(t *testing.T, opts *clickhouse.Options, checks []check) {
	t.Helper()
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			err := execOrQuery(ctx, conn, c.query)
			if c.codes == nil {
				if err != nil {
					t.Fatalf("%s: %v, want it to work", c.query, err)
				}
				return
			}
			var ex *clickhouse.Exception
			if !errors.As(err, &ex) {
				t.Fatalf("%s: err = %v, want a ClickHouse refusal with code %v", c.query, err, c.codes)
			}
			for _, code := range c.codes {
				if ex.Code == code {
					return
				}
			}
			t.Fatalf("%s: code %d %s, want one of %v", c.query, ex.Code, ex.Message, c.codes)
		})
	}
	// The limits are in force for this session.
	for name, want := range map[string]string{"readonly": "1", "max_execution_time": "1800", "max_result_rows": "0", "max_memory_usage": "4294967296"} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT toString(getSetting('"+name+"'))").Scan(&got); err != nil || got != want {
			t.Errorf("setting %s = %q (err %v), want %s", name, got, err, want)
		}
	}
	// Settings sent by the client are refused too, not ignored.
	for _, set := range []clickhouse.Settings{{"max_execution_time": 0}, {"max_execution_time": 7200}, {"max_memory_usage": 0}, {"readonly": 0}} {
		sctx := clickhouse.Context(ctx, clickhouse.WithSettings(set))
		var ex *clickhouse.Exception
		if err := conn.Exec(sctx, "SELECT 1"); !errors.As(err, &ex) || (ex.Code != codeReadonly && ex.Code != codeConstraint) {
			t.Errorf("query with client settings %v: %v, want a readonly or constraint refusal", set, err)
		}
	}
	// A client timeout within the limit is taken: clickhouse-go sends a
	// context deadline as max_execution_time, and Grafana does the same.
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := conn.Exec(dctx, "SELECT 1"); err != nil {
		t.Errorf("query with a one-minute context deadline: %v, want it to work", err)
	}
}

func execOrQuery(ctx context.Context, conn clickhouse.Conn, q string) error {
	if strings.HasPrefix(q, "SELECT") {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
		return err
	}
	return conn.Exec(ctx, q)
}

func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }

// TestEmbeddedAnalyst: the analyst of the embedded server (users.xml), on
// the database voc local uses (the revoke of rejects.payload names it).
func TestEmbeddedAnalyst(t *testing.T) {
	ctx := context.Background()
	srv := testenv.Server(t)
	db := chusers.EmbeddedDatabase
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	wopts := testenv.Options(srv, db)
	if _, err := migrate.Apply(ctx, wopts, db, ms, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate %s: %v", db, err)
	}
	wconn, err := clickhouse.Open(wopts)
	if err != nil {
		t.Fatal(err)
	}
	defer wconn.Close()
	t.Cleanup(func() { _ = wconn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" SYNC") })
	if err := wconn.Exec(ctx, "INSERT INTO rejects (topic, kafka_partition, kafka_offset, reason, payload) VALUES ('voc.chats', 0, 1, 'invalid_json', '{\"phone\": \"13800138000\"')"); err != nil {
		t.Fatal(err)
	}
	runChecks(t, testenv.AnalystOptions(srv, db), analystChecks(db, port(srv.TCPAddr)))
}

// TestCreateUsers checks the SQL of `voc migrate --create-users` as far as
// this machine allows: no clickhouse-server with SQL access control runs
// here (clickhouse-local reads users from users.xml only). So: every
// statement parses with the real ClickHouse parser; the roles' grants and
// the profile, given to users on an embedded server, make a writer that can
// migrate and write only its database and an analyst with the same
// refusals as the embedded one; and Create on a server without SQL access
// control fails with advice.
func TestCreateUsers(t *testing.T) {
	ctx := context.Background()
	srv := testenv.Server(t)
	admin, err := clickhouse.Open(testenv.Options(srv, "default"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	dbName := fmt.Sprintf("created_%d", time.Now().UnixNano())
	w := chusers.Login{User: "w_created", Password: "writer-pw-1"}
	a := chusers.Login{User: "a_created", Password: "analyst-pw-1"}
	spec := chusers.CreateSpec{Database: dbName, Writer: w.User, Analyst: a.User, WriterSHA256: w.SHA256(), AnalystSHA256: a.SHA256()}
	stmts, err := chusers.CreateStatements(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		var formatted string
		if err := admin.QueryRow(ctx, "SELECT formatQuery(?)", s).Scan(&formatted); err != nil {
			t.Fatalf("ClickHouse does not parse %q: %v", s, err)
		}
	}
	if err := chusers.Create(ctx, admin, spec); err == nil || !strings.Contains(err.Error(), "local_directory") {
		t.Fatalf("Create on clickhouse-local: %v, want advice about SQL access control", err)
	}
	if err := chusers.Create(ctx, admin, chusers.CreateSpec{WriterSHA256: w.SHA256(), AnalystSHA256: a.SHA256()}); err == nil || !strings.Contains(err.Error(), "users.xml") {
		t.Fatalf("Create of users named like the embedded ones: %v, want a users.xml refusal", err)
	}

	writerGrants, analystGrants := chusers.RoleGrants(dbName)
	roles, err := chlocal.Start(ctx, chlocal.Config{DataDir: t.TempDir(), ExtraUsers: []chusers.User{
		{Login: w, Profile: "default", Grants: writerGrants},
		{Login: a, Profile: chusers.AnalystProfile, Grants: analystGrants},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer roles.Stop(ctx)

	wopts := &clickhouse.Options{Addr: []string{roles.TCPAddr}, Auth: clickhouse.Auth{Database: "default", Username: w.User, Password: w.Password}}
	ms, err := migrate.Load(vocsql.Migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Apply(ctx, wopts, dbName, ms, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate with the writer role's grants: %v", err)
	}
	wopts.Auth.Database = dbName
	wconn, err := clickhouse.Open(wopts)
	if err != nil {
		t.Fatal(err)
	}
	defer wconn.Close()
	if err := wconn.Exec(ctx, "INSERT INTO rejects (topic, kafka_partition, kafka_offset, reason) VALUES ('voc.chats', 0, 1, 'x')"); err != nil {
		t.Fatalf("insert with the writer role's grants: %v", err)
	}
	if err := wconn.Exec(ctx, "CREATE DATABASE elsewhere"); err == nil {
		t.Fatal("the writer role could create another database")
	}
	// A second database on the same server, which the analyst role must not see.
	rootConn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{roles.TCPAddr}, Auth: clickhouse.Auth{Username: roles.Writer.User, Password: roles.Writer.Password}})
	if err != nil {
		t.Fatal(err)
	}
	defer rootConn.Close()
	if err := rootConn.Exec(ctx, "CREATE TABLE default.secret (a UInt8) ENGINE = Memory"); err != nil {
		t.Fatal(err)
	}

	aopts := &clickhouse.Options{Addr: []string{roles.TCPAddr}, Auth: clickhouse.Auth{Database: dbName, Username: a.User, Password: a.Password}}
	checks := append(analystChecks(dbName, port(roles.TCPAddr)), check{"read another database", "SELECT count() FROM default.secret", []int32{codeAccessDenied}})
	runChecks(t, aopts, checks)
}

func TestEnsurePassword(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "creds")
	w, a, err := chusers.EnsureLogins(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Password) < 20 || w.Password == a.Password {
		t.Fatalf("passwords %q %q: want two distinct random ones", w.Password, a.Password)
	}
	w2, _, err := chusers.EnsureLogins(dir)
	if err != nil || w2.Password != w.Password {
		t.Fatalf("second call: %q %v, want the same password", w2.Password, err)
	}
	os.Chmod(w.PasswordFile, 0o644)
	if _, _, err := chusers.EnsureLogins(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(w.PasswordFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file readable by others was left %v", fi.Mode().Perm())
	}
	os.WriteFile(a.PasswordFile, []byte("\n"), 0o600)
	if _, _, err := chusers.EnsureLogins(dir); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty password file: %v, want an error saying so", err)
	}
}

// TestQuotaInterval: the lock on `default` lasts decades from any start.
func TestQuotaInterval(t *testing.T) {
	re := regexp.MustCompile(`<duration>(\d+)</duration><queries>3</queries>`)
	for _, now := range []time.Time{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)} {
		m := re.FindSubmatch(chusers.UsersXML(chusers.EmbeddedConfig{StartupQueries: 3, Now: now}))
		if m == nil {
			t.Fatal("no bootstrap quota in users.xml")
		}
		d, _ := strconv.ParseInt(string(m[1]), 10, 64)
		if d > 1<<31-1 {
			t.Fatalf("duration %d does not fit ClickHouse's 32-bit reading", d)
		}
		end := (now.Unix()/d + 1) * d // ClickHouse aligns intervals to multiples of the duration
		if years := float64(end-now.Unix()) / (365 * 86400); years < 20 {
			t.Fatalf("start at %s: the quota interval ends after %.1f years, want decades", now, years)
		}
	}
}

// TestDocumentedSQL: docs/clickhouse-users.sql is what --create-users runs.
func TestDocumentedSQL(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "clickhouse-users.sql")
	got := chusers.DocumentedSQL()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Fatalf("%s is stale (err %v): run go test ./internal/chusers -run TestDocumentedSQL -update", path, err)
	}
}

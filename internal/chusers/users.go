package chusers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Names of the users, roles and profile voc creates.
const (
	WriterUser     = "voc"
	AnalystUser    = "analyst"
	WriterRole     = "voc_writer"
	AnalystRole    = "voc_analyst"
	AnalystProfile = "voc_analyst"
)

// Setting is one setting of the analyst profile, with why it is there.
// Max, when set, makes the setting changeable by the read-only analyst
// between 1 and Max (a changeable_in_readonly constraint): clients that set
// their own timeout (Grafana's ClickHouse plugin and clickhouse-go send
// max_execution_time with every query) can lower it, never raise it.
type Setting struct{ Name, Value, Max, Why string }

// AnalystSettings are the analyst profile. readonly=1 comes first: with it
// no other setting can be changed by the analyst (SET, a SETTINGS clause,
// an HTTP URL parameter all fail with READONLY), so the limits hold.
var AnalystSettings = []Setting{
	{"readonly", "1", "", "read queries only; no setting can be changed (SET, SETTINGS, URL parameters), so these limits hold"},
	{"max_execution_time", "1800", "1800", "seconds one query may run, counted while the client reads the result: a voc export of tens of millions of rows streams for minutes (voc serve stops its own queries after 60 s); clients may lower it (1..1800; Grafana's ClickHouse plugin sets it on every query), never raise it"},
	{"max_result_rows", "0", "", "no cap on the rows of a result: a result streams to the client and costs the server no memory, so an export of any size works; the memory, time and concurrency limits protect the server, and voc serve's SQL page shows at most 10,000 rows itself"},
	{"max_result_bytes", "0", "", "no cap on the bytes of a result, for the same reason"},
	{"max_memory_usage", "4294967296", "", "memory of one query (4 GiB)"},
	{"max_memory_usage_for_user", "8589934592", "", "memory of all the user's queries together (8 GiB)"},
	{"max_concurrent_queries_for_user", "16", "", "queries running at once (voc serve, Grafana and people share the user)"},
}

// AnalystSystemTables are the only system tables the analyst may read: the
// catalogue (filtered by ClickHouse to what the analyst may see). Users,
// grants, quotas, processes, logs and named collections stay closed.
var AnalystSystemTables = []string{"databases", "tables", "columns", "parts", "functions", "data_type_families"}

// AnalystRevokes are the columns of voc's database the analyst may not read
// although it reads every table: rejects.payload holds the raw, unredacted
// bytes of bad input (possibly with personal data the redaction of the
// enrichment never saw). The other columns of rejects (reason, field,
// detail, offsets) stay readable, so SELECT * FROM rejects is refused and
// analysts name the columns. REVOKE statements without "FROM ...".
func AnalystRevokes(database string) []string {
	return []string{"REVOKE SELECT(payload) ON `" + database + "`.rejects"}
}

// EmbeddedDatabase is voc's database on the embedded server (voc local).
const EmbeddedDatabase = "voc"

// Login is one user and its password.
type Login struct {
	User         string
	Password     string // secret: never log it
	PasswordFile string // 0600 file holding Password
}

// SHA256 is the hex sha256 of the password, the form ClickHouse stores.
func (l Login) SHA256() string {
	sum := sha256.Sum256([]byte(l.Password))
	return hex.EncodeToString(sum[:])
}

// EnsurePassword returns the password kept in path, generating a random one
// into a new 0600 file when there is none. A file readable by others is
// narrowed to 0600. The password is the first line of the file.
func EnsurePassword(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create directory for password file %s: %w", path, err)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		pw := rand.Text() // 26 base32 characters, 130 random bits
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) { // created meanwhile by another process
			return EnsurePassword(path)
		}
		if err != nil {
			return "", fmt.Errorf("create password file %s: %w", path, err)
		}
		if _, err := f.WriteString(pw + "\n"); err != nil {
			f.Close()
			return "", fmt.Errorf("write password file %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("write password file %s: %w", path, err)
		}
		return pw, nil
	}
	if err != nil {
		return "", fmt.Errorf("read password file %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("password file %s is readable by others and cannot be narrowed to 0600: %w", path, err)
		}
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	pw = strings.TrimSpace(pw)
	if pw == "" {
		return "", fmt.Errorf("password file %s is empty: put a password on its first line, or delete it to have one generated", path)
	}
	return pw, nil
}

// EnsureLogins returns the writer and analyst logins with their passwords
// kept in dir (voc.password, analyst.password), generated on first use.
func EnsureLogins(dir string) (writer, analyst Login, err error) {
	return EnsureNamedLogins(dir, WriterUser, AnalystUser)
}

// EnsureNamedLogins is EnsureLogins for other user names (files
// NAME.password).
func EnsureNamedLogins(dir, writerName, analystName string) (writer, analyst Login, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return writer, analyst, fmt.Errorf("create credentials directory %s: %w", dir, err)
	}
	_ = os.Chmod(dir, 0o700)
	if writer, err = ensureLogin(dir, writerName); err != nil {
		return writer, analyst, err
	}
	analyst, err = ensureLogin(dir, analystName)
	return writer, analyst, err
}

func ensureLogin(dir, user string) (Login, error) {
	if !ident.MatchString(user) {
		return Login{}, fmt.Errorf("user name %q: use letters, digits and underscores", user)
	}
	l := Login{User: user, PasswordFile: filepath.Join(dir, user+".password")}
	var err error
	l.Password, err = EnsurePassword(l.PasswordFile)
	return l, err
}

// EmbeddedConfig is what UsersXML needs to know about the embedded server.
type EmbeddedConfig struct {
	Writer, Analyst Login
	// StartupQueries is how many queries the engine's own start-up session
	// runs as `default` (its --query); the quota allows exactly that many.
	StartupQueries int
	// Now dates the quota interval (see quotaInterval).
	Now time.Time
	// Extra users, e.g. to try the grants of CreateStatements on the
	// embedded server, which has no SQL access control.
	Extra []User
}

// User is a user defined in users.xml by its grants.
type User struct {
	Login
	Profile string   // "default" or AnalystProfile
	Grants  []string // GRANT/REVOKE statements without "TO ..."
}

// quotaInterval is the length in seconds of the quota interval of
// `default`. ClickHouse aligns quota intervals to multiples of their length
// since 1970 and reads the length as a 32-bit integer; an interval of
// (now - 1 minute) puts now in the second interval, which ends about as far
// in the future as 1970 is in the past. users.xml is written at every start,
// so the lock is renewed with every restart.
func quotaInterval(now time.Time) int64 {
	d := now.Unix() - 60
	if d > math.MaxInt32 {
		d = math.MaxInt32
	}
	if d < 3600 {
		d = 3600
	}
	return d
}

// UsersXML is the users configuration of the embedded server.
func UsersXML(c EmbeddedConfig) []byte {
	var b bytes.Buffer
	x := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString("<!-- Written by voc (internal/chusers) at every start of the embedded ClickHouse; edits are lost.\n")
	b.WriteString("     Passwords live in the 0600 files next to this one: change one and restart to rotate it. -->\n")
	b.WriteString("<clickhouse>\n  <profiles>\n    <default/>\n")
	b.WriteString("    <bootstrap>\n      <max_memory_usage>67108864</max_memory_usage>\n")
	b.WriteString("      <constraints><max_memory_usage><readonly/></max_memory_usage></constraints>\n    </bootstrap>\n")
	fmt.Fprintf(&b, "    <%s>\n", AnalystProfile)
	for _, s := range AnalystSettings {
		fmt.Fprintf(&b, "      <%s>%s</%s> <!-- %s -->\n", s.Name, x(s.Value), s.Name, x(s.Why))
	}
	b.WriteString("      <constraints>\n")
	for _, s := range AnalystSettings {
		if s.Max != "" {
			fmt.Fprintf(&b, "        <%[1]s><min>1</min><max>%[2]s</max><changeable_in_readonly/></%[1]s>\n", s.Name, x(s.Max))
		}
	}
	b.WriteString("      </constraints>\n")
	fmt.Fprintf(&b, "    </%s>\n  </profiles>\n", AnalystProfile)
	b.WriteString("  <quotas>\n    <default/>\n")
	fmt.Fprintf(&b, "    <bootstrap><interval><duration>%d</duration><queries>%d</queries>"+
		"<errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></bootstrap>\n",
		quotaInterval(c.Now), c.StartupQueries)
	b.WriteString("  </quotas>\n  <users>\n")
	b.WriteString(`    <!-- The engine's own start-up session: passwordless and reachable from loopback, so it may
         open the listeners and read numbers, and only as many queries as the start-up runs. -->
    <default>
      <password></password>
      <networks><ip>::1</ip></networks>
      <profile>bootstrap</profile>
      <quota>bootstrap</quota>
      <grants>
        <query>GRANT SYSTEM LISTEN ON *.*</query>
        <query>GRANT SELECT ON system.numbers</query>
      </grants>
    </default>
`)
	fmt.Fprintf(&b, `    <!-- Writer: voc run, voc migrate. -->
    <%[1]s>
      <password_sha256_hex>%[2]s</password_sha256_hex>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
      <access_management>1</access_management>
    </%[1]s>
`, c.Writer.User, c.Writer.SHA256())
	fmt.Fprintf(&b, `    <!-- Analyst: read-only (profile %[3]s); every database except system, and the catalogue tables of system. -->
    <%[1]s>
      <password_sha256_hex>%[2]s</password_sha256_hex>
      <networks><ip>::/0</ip></networks>
      <profile>%[3]s</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT SELECT ON *.*</query>
        <query>REVOKE SELECT ON system.*</query>
`, c.Analyst.User, c.Analyst.SHA256(), AnalystProfile)
	for _, t := range AnalystSystemTables {
		fmt.Fprintf(&b, "        <query>GRANT SELECT ON system.%s</query>\n", t)
	}
	for _, r := range AnalystRevokes(EmbeddedDatabase) {
		fmt.Fprintf(&b, "        <query>%s</query>\n", x(r))
	}
	fmt.Fprintf(&b, "      </grants>\n    </%s>\n", c.Analyst.User)
	for _, u := range c.Extra {
		fmt.Fprintf(&b, "    <%[1]s>\n      <password_sha256_hex>%[2]s</password_sha256_hex>\n      <networks><ip>::/0</ip></networks>\n"+
			"      <profile>%[3]s</profile>\n      <quota>default</quota>\n      <grants>\n", u.User, u.SHA256(), x(u.Profile))
		for _, g := range u.Grants {
			fmt.Fprintf(&b, "        <query>%s</query>\n", x(g))
		}
		fmt.Fprintf(&b, "      </grants>\n    </%s>\n", u.User)
	}
	b.WriteString("  </users>\n</clickhouse>\n")
	return b.Bytes()
}

// ServerConfigXML is the --config-file of the embedded server: users from
// usersXML, and system tables readable only with a grant. (clickhouse-local
// reads users from users.xml only: it has no storage for users created with
// SQL, so CREATE USER fails there.)
func ServerConfigXML(usersXML string) []byte {
	var b bytes.Buffer
	x := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	fmt.Fprintf(&b, `<!-- Written by voc (internal/chusers) at every start of the embedded ClickHouse. -->
<clickhouse>
  <user_directories>
    <users_xml><path>%s</path></users_xml>
  </user_directories>
  <access_control_improvements>
    <select_from_system_db_requires_grant>true</select_from_system_db_requires_grant>
    <select_from_information_schema_requires_grant>true</select_from_information_schema_requires_grant>
    <!-- Needed for the analyst's changeable_in_readonly constraint on max_execution_time. -->
    <settings_constraints_replace_previous>true</settings_constraints_replace_previous>
  </access_control_improvements>
</clickhouse>
`, x(usersXML))
	return b.Bytes()
}

// CreateSpec says which users CreateStatements creates, on which database.
type CreateSpec struct {
	Database string // voc's database, default "voc"
	Writer   string // default WriterUser
	Analyst  string // default AnalystUser
	// Hex sha256 of each password (Login.SHA256): only the hash travels in
	// the SQL, so no password lands in a query log.
	WriterSHA256, AnalystSHA256 string
}

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s *CreateSpec) defaults() error {
	if s.Database == "" {
		s.Database = "voc"
	}
	if s.Writer == "" {
		s.Writer = WriterUser
	}
	if s.Analyst == "" {
		s.Analyst = AnalystUser
	}
	for _, n := range []string{s.Database, s.Writer, s.Analyst} {
		if !ident.MatchString(n) {
			return fmt.Errorf("name %q: use letters, digits and underscores", n)
		}
	}
	if s.Writer == s.Analyst {
		return fmt.Errorf("writer and analyst must be different users (both %q)", s.Writer)
	}
	return nil
}

// CreateStatements is the SQL that creates (or brings up to date) the
// writer and analyst on a ClickHouse with SQL-driven access control, run by
// a user with access management. Every statement can be run again: roles
// and profile are created if missing and then set, users are created if
// missing and then given the password and roles of the spec.
func CreateStatements(spec CreateSpec) ([]string, error) {
	if err := spec.defaults(); err != nil {
		return nil, err
	}
	for _, h := range []string{spec.WriterSHA256, spec.AnalystSHA256} {
		if !hexHash.MatchString(h) {
			return nil, fmt.Errorf("password hash %q: want 64 lowercase hex digits (sha256)", h)
		}
	}
	return statements(spec, "'"+spec.WriterSHA256+"'", "'"+spec.AnalystSHA256+"'"), nil
}

// DocumentedSQL is CreateStatements for the default names with
// placeholders for the password hashes: docs/clickhouse-users.sql.
func DocumentedSQL() string {
	spec := CreateSpec{}
	_ = spec.defaults()
	var b strings.Builder
	b.WriteString(`-- ClickHouse users for voc on an external server: the SQL that
-- 'voc migrate --create-users' runs (generated from internal/chusers; do not edit).
-- Run it as a user with access management after replacing the two hashes:
--   printf %s 'the-password' | sha256sum
-- The embedded server of 'voc local' gets the same users from a generated users.xml.
--
-- Analyst profile:
`)
	for _, s := range AnalystSettings {
		fmt.Fprintf(&b, "--   %s = %s: %s\n", s.Name, s.Value, s.Why)
	}
	b.WriteString(`--
-- CHANGEABLE_IN_READONLY needs the server setting
-- access_control_improvements.settings_constraints_replace_previous = true (config.xml; the
-- default config of recent ClickHouse releases has it). Without it the analyst cannot lower
-- max_execution_time, and Grafana's ClickHouse plugin, which sets it on every query, fails
-- with READONLY.
--
-- The analyst reads every column of voc's tables except rejects.payload, the raw and
-- unredacted bytes of bad input (SELECT * FROM rejects is refused; name the columns).
-- ClickHouse still answers length(payload) from the column's size subcolumn: the length
-- is readable, never a byte of it.
`)
	b.WriteString("\n")
	for _, s := range statements(spec, "'<sha256 hex of the writer password>'", "'<sha256 hex of the analyst password>'") {
		b.WriteString(s)
		b.WriteString(";\n")
	}
	return b.String()
}

// RoleGrants are the privileges of the writer and analyst roles on an
// external server: GRANT statements without their "TO role" (and the
// analyst's REVOKEs of AnalystRevokes without their "FROM role").
func RoleGrants(database string) (writer, analyst []string) {
	db := "`" + database + "`"
	writer = []string{"GRANT ALL ON " + db + ".*", "GRANT TABLE ENGINE ON *", "GRANT SELECT ON system.*"}
	analyst = []string{"GRANT SELECT ON " + db + ".*"}
	for _, t := range AnalystSystemTables {
		analyst = append(analyst, "GRANT SELECT ON system."+t)
	}
	analyst = append(analyst, AnalystRevokes(database)...)
	return writer, analyst
}

func statements(spec CreateSpec, writerHash, analystHash string) []string {
	q := func(s string) string { return "`" + s + "`" }
	db, w, a := q(spec.Database), q(spec.Writer), q(spec.Analyst)
	var settings []string
	for _, s := range AnalystSettings {
		v := s.Value
		if !regexp.MustCompile(`^[0-9]+$`).MatchString(v) {
			v = "'" + v + "'"
		}
		if s.Max != "" {
			v += " MIN 1 MAX " + s.Max + " CHANGEABLE_IN_READONLY"
		}
		settings = append(settings, s.Name+" = "+v)
	}
	writerGrants, analystGrants := RoleGrants(spec.Database)
	out := []string{"CREATE ROLE IF NOT EXISTS " + WriterRole}
	for _, g := range writerGrants {
		out = append(out, g+" TO "+WriterRole)
	}
	out = append(out, "CREATE ROLE IF NOT EXISTS "+AnalystRole)
	for _, g := range analystGrants {
		if strings.HasPrefix(g, "REVOKE ") {
			out = append(out, g+" FROM "+AnalystRole)
		} else {
			out = append(out, g+" TO "+AnalystRole)
		}
	}
	out = append(out,
		"CREATE SETTINGS PROFILE IF NOT EXISTS "+AnalystProfile,
		"ALTER SETTINGS PROFILE "+AnalystProfile+" SETTINGS "+strings.Join(settings, ", "),
		"CREATE USER IF NOT EXISTS "+w+" IDENTIFIED WITH sha256_hash BY "+writerHash,
		"ALTER USER "+w+" IDENTIFIED WITH sha256_hash BY "+writerHash,
		"GRANT "+WriterRole+" TO "+w,
		"ALTER USER "+w+" DEFAULT ROLE "+WriterRole+" DEFAULT DATABASE "+db,
		"CREATE USER IF NOT EXISTS "+a+" IDENTIFIED WITH sha256_hash BY "+analystHash,
		"ALTER USER "+a+" IDENTIFIED WITH sha256_hash BY "+analystHash,
		"GRANT "+AnalystRole+" TO "+a,
		"ALTER USER "+a+" DEFAULT ROLE "+AnalystRole+" DEFAULT DATABASE "+db+" SETTINGS PROFILE '"+AnalystProfile+"'",
	)
	return out
}

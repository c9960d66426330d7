// Package chusers defines the ClickHouse users voc works with, once, for both
// kinds of server:
//
//   - the writer (user "voc"): the pipeline (`voc run`) and migrations; all
//     privileges on voc's database;
//   - the analyst (user "analyst"): read-only. A settings profile with
//     readonly=1 (no INSERT, DDL, SET or SETTINGS clause can change it, so
//     the limits below cannot be escaped), limits on execution time, result
//     rows and bytes, memory and concurrent queries, and SELECT only on
//     voc's tables: no table functions that read files or URLs, no system
//     tables that hold users, grants, processes or logs.
//
// The embedded server (internal/chlocal) gets these as a users.xml written
// by UsersXML at every start, with passwords kept in 0600 files (Passwords).
// For an external ClickHouse, CreateStatements gives the SQL that
// `voc migrate --create-users` runs (docs/clickhouse-users.sql is the same
// text, generated), creating roles voc_writer and voc_analyst, the profile
// voc_analyst and the two users.
//
// The embedded engine has one catch: its own start-up query (the one that
// opens the listeners and then blocks) runs in-process as user `default`
// without a password, and that user is reachable from loopback too. UsersXML
// gives `default` only what that query needs (SYSTEM LISTEN and reading
// numbers), a 64 MiB memory limit, and a quota of exactly as many queries as
// the start-up runs: once the listeners are open every further query as
// `default` is refused (QUOTA_EXCEEDED), except constant ones like SELECT 1.
package chusers

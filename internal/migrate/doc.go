// Package migrate applies the schema migrations embedded in package sql to a
// ClickHouse database, in version order, recording each applied migration in
// the schema_migrations table so that a re-run applies nothing twice.
//
// Migration files are named NNNN_name.sql and hold statements separated by
// a semicolon at the end of a line. Table names are unqualified: they are
// created in the target database, so tests can migrate a fresh database each.
package migrate

package chusers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// codeNoWritableAccessStorage is ClickHouse's ACCESS_STORAGE_FOR_INSERTION_NOT_FOUND.
const codeNoWritableAccessStorage = 514

// Create runs CreateStatements on conn, which must belong to a user with
// access management (ACCESS MANAGEMENT, or GRANT OPTION on what it grants).
// Users already defined in the server's users.xml cannot be changed with
// SQL: Create refuses them with advice instead of failing half-way.
func Create(ctx context.Context, conn driver.Conn, spec CreateSpec) error {
	stmts, err := CreateStatements(spec)
	if err != nil {
		return err
	}
	_ = spec.defaults()
	rows, err := conn.Query(ctx, "SELECT name, storage FROM system.users WHERE name IN (?, ?)", spec.Writer, spec.Analyst)
	if err != nil {
		return fmt.Errorf("list existing users (the connecting user needs access management, e.g. SHOW USERS): %w", err)
	}
	for rows.Next() {
		var name, storage string
		if err := rows.Scan(&name, &storage); err != nil {
			rows.Close()
			return err
		}
		if storage == "users_xml" {
			rows.Close()
			return fmt.Errorf("user %s is defined in the server's users.xml and cannot be changed with SQL (the embedded server of 'voc local' has its writer and analyst already); choose other names with --writer-user/--analyst-user", name)
		}
	}
	rows.Close()
	for _, s := range stmts {
		if err := conn.Exec(ctx, s); err != nil {
			var ex *clickhouse.Exception
			if errors.As(err, &ex) && ex.Code == codeNoWritableAccessStorage {
				return fmt.Errorf("this ClickHouse cannot store users created with SQL: a clickhouse-server needs <user_directories><local_directory> (or <replicated>) in its config; clickhouse-local, the embedded server of 'voc local', reads users from users.xml only and has its writer and analyst already: %w", err)
			}
			return fmt.Errorf("create voc users: %s: %w", redactHash(s), err)
		}
	}
	return nil
}

// redactHash hides password hashes in a statement quoted in an error.
func redactHash(stmt string) string {
	if i := strings.Index(stmt, "sha256_hash BY '"); i >= 0 {
		j := strings.Index(stmt[i+16:], "'")
		if j >= 0 {
			return stmt[:i+16] + "***" + stmt[i+16+j:]
		}
	}
	return stmt
}

// Package chlocal runs a real, modern ClickHouse (26.7) on loopback without
// Docker or a system package: it installs the ClickHouse engine shipped as the
// npm package @chdb/lib-linux-x64-gnu into a user cache (once, integrity
// checked), and runs it as a server in a child process of the current binary.
//
// The child is the same executable re-run with an environment marker; the
// program's main (and TestMain in tests) must call RunChildIfRequested first.
// The child loads libchdb.so with purego and calls chdb_query_cmdline with
// clickhouse-local arguments that open TCP (native) and HTTP listeners and
// then block. The parent waits until `SELECT 1` answers, and stops the child
// with SIGTERM. The child also gets SIGTERM if the parent dies (Pdeathsig),
// so no orphan ClickHouse is left behind.
//
// The server has users (internal/chusers): a writer "voc" and a read-only
// "analyst", whose passwords are generated on the first start into 0600
// files in DATA_DIR/users (voc.password, analyst.password) and kept across
// restarts; users.xml and the config file next to them are rewritten from
// those files at every start (edit a password file and restart to rotate
// it). The engine's start-up session runs as a passwordless `default`,
// which is given only what that session needs.
package chlocal

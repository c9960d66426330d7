package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/segmentio/kafka-go"

	"github.com/voc-analytics/voc/internal/localenv"
	chsink "github.com/voc-analytics/voc/pipeline/clickhouse"
	kafkasrc "github.com/voc-analytics/voc/pipeline/kafka"
)

// startLocalBin runs `voc local --json` and returns its published state.
func startLocalBin(t *testing.T, dataDir string) (*exec.Cmd, localenv.State) {
	t.Helper()
	cmd := exec.Command(vocBin, "local", "--json", "--data-dir", dataDir, "--clickhouse-port", "0", "--http-port", "0", "--kafka-port", "0")
	cmd.Env = append(cmd.Environ(), "VOC_LOCAL_STATE="+filepath.Join(dataDir, "state.json"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var st localenv.State
	done := make(chan error, 1)
	go func() { done <- json.NewDecoder(bufio.NewReader(stdout)).Decode(&st) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("voc local --json printed no state: %v", err)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("voc local did not start within 3 minutes")
	}
	return cmd, st
}

func TestLocalServesClickHouseAndKafkaAndStopsCleanly(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	cmd, st := startLocalBin(t, dataDir)

	checkLocalUsers(t, st)
	conn, err := chsink.Open(ctx, chsink.Config{Options: loginOptions(t, st, localenv.RoleWriter)})
	if err != nil {
		t.Fatal(err)
	}
	var version string
	var tables uint64
	if err := conn.QueryRow(ctx, "SELECT version(), (SELECT count() FROM system.tables WHERE database = 'voc' AND name IN ('contacts', 'messages', 'tickets', 'rejects'))").Scan(&version, &tables); err != nil {
		t.Fatal(err)
	}
	if version < "25.8" || tables != 4 {
		t.Fatalf("version %s (want >= 25.8), %d of 4 voc tables", version, tables)
	}
	if err := conn.Exec(ctx, "INSERT INTO rejects (topic, kafka_partition, kafka_offset, reason) VALUES ('voc.chats', 0, 7, 'invalid_json')"); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	w, err := kafkasrc.NewProducer(kafkasrc.ProducerConfig{Brokers: []string{st.Kafka}, Topic: "voc.chats"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("c1"), Value: []byte(`{"x":1}`)}); err != nil {
		t.Fatalf("produce to embedded Kafka: %v", err)
	}
	w.Close()

	// SIGTERM: voc local exits 0 and its ClickHouse child is gone.
	chPID := childPID(t, cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("voc local exit after SIGTERM: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(chPID, 0) == nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("ClickHouse child %d still running 10 s after voc local stopped", chPID)
		}
	}

	// Restart on the same data dir: the row and the Kafka message are still there.
	_, st2 := startLocalBin(t, dataDir)
	opts2 := loginOptions(t, st2, localenv.RoleWriter)
	if opts2.Auth.Password != loginOptions(t, st, localenv.RoleWriter).Auth.Password {
		t.Fatal("writer password changed across a restart")
	}
	conn2, err := chsink.Open(ctx, chsink.Config{Options: opts2})
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	var n uint64
	if err := conn2.QueryRow(ctx, "SELECT count() FROM rejects").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after restart rejects has %d rows (err %v), want 1", n, err)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{st2.Kafka}, Topic: "voc.chats", Partition: kafka.Murmur2Balancer{}.Balance(kafka.Message{Key: []byte("c1")}, 0, 1, 2, 3), MaxWait: 100 * time.Millisecond})
	defer r.Close()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := r.ReadMessage(rctx)
	if err != nil || string(m.Value) != `{"x":1}` {
		t.Fatalf("after restart read %q, %v; want the message produced before", m.Value, err)
	}
}

// childPID reads the (single) child of parent from /proc.
func childPID(t *testing.T, parent int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", parent, parent))
	f := strings.Fields(string(b))
	if err != nil || len(f) == 0 {
		matches, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", parent))
		for _, m := range matches {
			b, _ := os.ReadFile(m)
			f = append(f, strings.Fields(string(b))...)
		}
	}
	if len(f) == 0 {
		t.Fatalf("no ClickHouse child of %d", parent)
	}
	pid, _ := strconv.Atoi(f[0])
	return pid
}

// loginOptions connects as role the way a user would from `voc local --json`:
// the DSN plus the password file's first line.
func loginOptions(t *testing.T, st localenv.State, role string) *clickhouse.Options {
	t.Helper()
	l, ok := st.Users[role]
	if !ok {
		t.Fatalf("voc local --json has no %s login: %+v", role, st.Users)
	}
	opts, err := clickhouse.ParseDSN(l.DSN)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(l.PasswordFile)
	if err != nil {
		t.Fatal(err)
	}
	opts.Auth.Password = strings.TrimSpace(string(b))
	return opts
}

// checkLocalUsers: voc local --json says how to log in as the writer and
// the analyst, the password files are private, the analyst can read and
// not write, and other voc commands find the writer's password by themselves.
func checkLocalUsers(t *testing.T, st localenv.State) {
	t.Helper()
	ctx := context.Background()
	w, a := st.Users[localenv.RoleWriter], st.Users[localenv.RoleAnalyst]
	if w.User != "voc" || a.User != "analyst" || st.ClickHouseDSN != w.DSN {
		t.Fatalf("users %+v, DSN %s: want writer voc (the DSN's user) and analyst", st.Users, st.ClickHouseDSN)
	}
	for _, l := range []localenv.Login{w, a} {
		fi, err := os.Stat(l.PasswordFile)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v (err %v), want mode 0600", l.PasswordFile, fi.Mode().Perm(), err)
		}
	}
	conn, err := clickhouse.Open(loginOptions(t, st, localenv.RoleAnalyst))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM contacts").Scan(&n); err != nil {
		t.Fatalf("analyst cannot read contacts: %v", err)
	}
	if err := conn.Exec(ctx, "DROP TABLE voc.contacts"); err == nil || !strings.Contains(err.Error(), "code: 497") {
		t.Fatalf("analyst DROP TABLE: %v, want code 497 (ACCESS_DENIED)", err)
	}
	// No credentials given: voc migrate finds the writer of the running voc local.
	cmd := exec.Command(vocBin, "migrate")
	cmd.Env = append(cmd.Environ(), "VOC_LOCAL_STATE="+filepath.Join(st.DataDir, "state.json"))
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "database voc: 0 migration(s) applied") {
		t.Fatalf("voc migrate against the running voc local: %v\n%s", err, out)
	}
}

package chlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Config describes one embedded server.
type Config struct {
	DataDir  string // databases live here and survive restarts
	TCPPort  int    // native protocol; 0 picks a free port
	HTTPPort int    // HTTP interface; 0 picks a free port
	LibPath  string // libchdb.so; empty means Install into CacheDir()
	// StartTimeout bounds the wait for `SELECT 1` (the first start after
	// unpacking pages in 566 MB and takes seconds). Default 2 minutes.
	StartTimeout time.Duration
	Log          *slog.Logger
}

// Server is a running embedded ClickHouse child process.
type Server struct {
	TCPAddr  string // host:port of the native protocol
	HTTPAddr string // host:port of the HTTP interface
	DataDir  string
	LogPath  string
	PID      int

	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	log     *slog.Logger
}

// Blocking query that keeps clickhouse-local (and its listeners) alive.
const blockQuery = "SYSTEM START LISTEN TCP; SYSTEM START LISTEN HTTP; " +
	"SELECT sleepEachRow(1) FROM numbers(1000000000) SETTINGS max_block_size=1 FORMAT Null"

// Start installs the engine if needed, starts the server and waits until it
// answers `SELECT 1`. ctx bounds the start only; call Stop to end the server.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 2 * time.Minute
	}
	lib := cfg.LibPath
	if lib == "" {
		var err error
		if lib, err = Install(ctx, CacheDir(), log); err != nil {
			return nil, fmt.Errorf("install ClickHouse engine: %w", err)
		}
	}
	if _, err := os.Stat(lib); err != nil {
		return nil, fmt.Errorf("ClickHouse library missing at %s (run 'voc local' once with npm available, or set VOC_CHDB_LIB): %w", lib, err)
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := checkWritable(dataDir); err != nil {
		return nil, err
	}
	tcpPort, err := choosePort(cfg.TCPPort, "--clickhouse-port")
	if err != nil {
		return nil, err
	}
	httpPort, err := choosePort(cfg.HTTPPort, "--http-port")
	if err != nil {
		return nil, err
	}
	if tcpPort == httpPort {
		return nil, fmt.Errorf("native and HTTP ports must differ (both %d)", tcpPort)
	}

	args := []string{"clickhouse",
		"--path=" + dataDir,
		"--tcp_port=" + strconv.Itoa(tcpPort),
		"--http_port=" + strconv.Itoa(httpPort),
		"--listen_host=127.0.0.1",
		"--multiquery",
		"--query=" + blockQuery,
	}
	argsJSON, _ := json.Marshal(args)
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable to run the ClickHouse child: %w", err)
	}
	logPath := filepath.Join(dataDir, "clickhouse-server.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open server log: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Dir = dataDir
	cmd.Env = append(os.Environ(), childEnv+"="+lib, childArgsEnv+"="+string(argsJSON))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Own process group: a terminal's Ctrl-C reaches only the parent, which
	// stops the child in order. Pdeathsig: if the parent dies (even by
	// SIGKILL) the kernel sends the child SIGTERM.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}

	s := &Server{
		TCPAddr:  net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort)),
		HTTPAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort)),
		DataDir:  dataDir, LogPath: logPath,
		cmd: cmd, exited: make(chan struct{}), log: log,
	}
	started := make(chan error, 1)
	// Pdeathsig fires when the forking *thread* exits, so fork from a locked
	// thread that lives exactly as long as the child.
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer logFile.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			close(s.exited)
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start ClickHouse child: %w", err)
	}
	s.PID = cmd.Process.Pid
	t0 := time.Now()
	if err := s.waitReady(ctx, cfg.StartTimeout); err != nil {
		s.Stop(context.Background())
		return nil, err
	}
	log.Info("embedded ClickHouse ready", "native", s.TCPAddr, "http", s.HTTPAddr, "data_dir", dataDir, "pid", s.PID, "start_ms", time.Since(t0).Milliseconds())
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.After(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	u := "http://" + s.HTTPAddr + "/?query=" + url.QueryEscape("SELECT 1")
	for {
		resp, err := client.Get(u)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.TrimSpace(string(body)) == "1" {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("embedded ClickHouse exited during start (%v); last log lines: %s", s.waitErr, tailFile(s.LogPath, 8))
		case <-deadline:
			return fmt.Errorf("embedded ClickHouse did not answer SELECT 1 on %s within %s; see %s", s.HTTPAddr, timeout, s.LogPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// DSN is the clickhouse-go DSN of the native interface for database db.
func (s *Server) DSN(db string) string {
	return "clickhouse://" + s.TCPAddr + "/" + db
}

// Exited is closed when the child process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Stop sends SIGTERM, waits for the child to exit (SIGKILL after 20 s or
// when ctx ends) and returns nil on a clean stop.
func (s *Server) Stop(ctx context.Context) error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(20 * time.Second)
	defer t.Stop()
	select {
	case <-s.exited:
		s.log.Info("embedded ClickHouse stopped", "pid", s.PID)
		return nil
	case <-t.C:
	case <-ctx.Done():
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	return fmt.Errorf("embedded ClickHouse (pid %d) ignored SIGTERM and was killed", s.PID)
}

func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data dir %s cannot be created (choose a writable --data-dir): %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("data dir %s is not writable (choose a writable --data-dir): %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// choosePort returns port if it is free on loopback, or a free port if 0.
func choosePort(port int, flagName string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return 0, fmt.Errorf("port %d on 127.0.0.1 is taken: stop what uses it or pass another %s (0 picks a free one)", port, flagName)
		}
		return 0, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	return lastLines(b, n)
}

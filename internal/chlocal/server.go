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
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/voc-analytics/voc/internal/chusers"
)

// Config describes one embedded server.
type Config struct {
	DataDir  string // databases live here and survive restarts
	TCPPort  int    // native protocol; 0 picks a free port
	HTTPPort int    // HTTP interface; 0 picks a free port
	LibPath  string // libchdb.so; empty means Install into CacheDir(Getenv)
	// StartTimeout bounds the wait for `SELECT 1` (the first start after
	// unpacking pages in 566 MB and takes seconds). Default 2 minutes.
	StartTimeout time.Duration
	// NoRestart disables the supervisor that restarts a child that died
	// unexpectedly.
	NoRestart bool
	Log       *slog.Logger
	// Getenv reads VOC_CHDB_LIB, VOC_CACHE_DIR and VOC_CLICKHOUSE_LOG_LEVEL
	// (nil: os.Getenv).
	Getenv func(string) string
	// ExtraUsers are defined next to the writer and analyst (tests of the
	// grants voc gives on external servers).
	ExtraUsers []chusers.User
}

// Server is a running embedded ClickHouse child process.
type Server struct {
	TCPAddr  string // host:port of the native protocol
	HTTPAddr string // host:port of the HTTP interface
	DataDir  string
	LogPath  string
	PID      int          // of the current child process
	Restarts atomic.Int32 // unexpected exits that were restarted
	// Writer (user "voc": migrations, voc run) and Analyst (user "analyst":
	// read-only with limits) log in with passwords kept in 0600 files under
	// UsersDir, generated on the first start. The passwordless `default` is
	// only the engine's own start-up session (see internal/chusers).
	Writer, Analyst chusers.Login
	UsersDir        string

	mu       sync.Mutex
	cur      *child
	exited   chan struct{}
	stopping chan struct{}
	stopOnce sync.Once
	log      *slog.Logger
	self     string
	env      []string
	timeout  time.Duration
}

// Blocking query that keeps clickhouse-local (and its listeners) alive.
// It runs as `default`, whose quota allows exactly blockQueryCount queries.
const blockQuery = "SYSTEM START LISTEN TCP; SYSTEM START LISTEN HTTP; " +
	"SELECT sleepEachRow(1) FROM numbers(1000000000) SETTINGS max_block_size=1 FORMAT Null"

const blockQueryCount = 3

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
		if lib, err = Install(ctx, cfg.Getenv, log); err != nil {
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

	usersDir := filepath.Join(dataDir, "users")
	configFile, writer, analyst, err := writeUsersConfig(usersDir, cfg.ExtraUsers)
	if err != nil {
		return nil, err
	}
	args := []string{"clickhouse",
		"--path=" + dataDir,
		"--config-file=" + configFile,
		"--tcp_port=" + strconv.Itoa(tcpPort),
		"--http_port=" + strconv.Itoa(httpPort),
		"--listen_host=127.0.0.1",
		"--multiquery",
		"--query=" + blockQuery,
	}
	if lvl := orOSGetenv(cfg.Getenv)("VOC_CLICKHOUSE_LOG_LEVEL"); lvl != "" { // e.g. warning, debug
		args = append(args, "--log-level="+lvl, "--logger.log="+filepath.Join(dataDir, "clickhouse-server.log"))
	}
	argsJSON, _ := json.Marshal(args)
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable to run the ClickHouse child: %w", err)
	}
	s := &Server{
		TCPAddr:  net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort)),
		HTTPAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort)),
		DataDir:  dataDir, LogPath: filepath.Join(dataDir, "clickhouse-server.log"),
		Writer: writer, Analyst: analyst, UsersDir: usersDir,
		exited: make(chan struct{}), stopping: make(chan struct{}), log: log,
		self: self, env: append(os.Environ(), childEnv+"="+lib, childArgsEnv+"="+string(argsJSON)),
		timeout: cfg.StartTimeout,
	}
	t0 := time.Now()
	c, err := s.spawn(ctx)
	if err != nil {
		return nil, err
	}
	s.setChild(c)
	log.Info("embedded ClickHouse ready", "native", s.TCPAddr, "http", s.HTTPAddr, "data_dir", dataDir, "pid", c.pid, "start_ms", time.Since(t0).Milliseconds())
	if cfg.NoRestart {
		go func() { <-c.exited; close(s.exited) }()
	} else {
		go s.supervise(c)
	}
	return s, nil
}

// child is one run of the engine process.
type child struct {
	cmd     *exec.Cmd
	pid     int
	exited  chan struct{}
	waitErr error
}

// spawn starts one child process and waits until it answers SELECT 1.
func (s *Server) spawn(ctx context.Context) (*child, error) {
	logFile, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open server log: %w", err)
	}
	cmd := exec.Command(s.self)
	cmd.Dir = s.DataDir
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Own process group: a terminal's Ctrl-C reaches only the parent, which
	// stops the child in order. Pdeathsig: if the parent dies (even by
	// SIGKILL) the kernel sends the child SIGTERM.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	// Pdeathsig fires when the forking *thread* exits, so fork from a locked
	// thread that lives exactly as long as the child.
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer logFile.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		started <- nil
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start ClickHouse child: %w", err)
	}
	c.pid = cmd.Process.Pid
	if err := s.waitReady(ctx, c); err != nil {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-c.exited
		}
		return nil, err
	}
	return c, nil
}

// supervise restarts the engine on the same ports and data when it dies
// without being asked to. chDB's server mode can abort when a native client
// disconnects in the middle of an INSERT (seen with 26.7 when a consumer is
// SIGKILLed); a real clickhouse-server does not, and clients retry anyway.
func (s *Server) supervise(c *child) {
	defer close(s.exited)
	var recent []time.Time
	for {
		select {
		case <-c.exited:
		case <-s.stopping:
			// Stop signals the child it saw; a child started by a restart
			// that raced with Stop is stopped here.
			s.terminate(c)
			return
		}
		select {
		case <-s.stopping:
			return
		default:
		}
		now := time.Now()
		recent = append(recent, now)
		for len(recent) > 0 && now.Sub(recent[0]) > time.Minute {
			recent = recent[1:]
		}
		if len(recent) > 5 {
			s.log.Error("embedded ClickHouse keeps dying; giving up", "restarts_last_minute", len(recent), "log", s.LogPath)
			return
		}
		s.log.Warn("embedded ClickHouse exited unexpectedly; restarting on the same ports and data", "pid", c.pid, "err", c.waitErr, "last_log", tailFile(s.LogPath, 3))
		next, err := s.spawn(context.Background())
		if err != nil {
			s.log.Error("restart of embedded ClickHouse failed", "err", err)
			return
		}
		s.Restarts.Add(1)
		s.setChild(next)
		c = next
		s.log.Info("embedded ClickHouse restarted", "pid", c.pid)
	}
}

// terminate stops c (SIGTERM, then SIGKILL after 20 s) and waits for it.
func (s *Server) terminate(c *child) {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

func (s *Server) setChild(c *child) {
	s.mu.Lock()
	s.cur = c
	s.PID = c.pid
	s.mu.Unlock()
}

func (s *Server) current() *child {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *Server) waitReady(ctx context.Context, c *child) error {
	deadline := time.After(s.timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	u := "http://" + s.HTTPAddr + "/?query=" + url.QueryEscape("SELECT 1")
	for {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("X-ClickHouse-User", s.Writer.User)
		req.Header.Set("X-ClickHouse-Key", s.Writer.Password)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.TrimSpace(string(body)) == "1" {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("embedded ClickHouse exited during start (%v); last log lines: %s", c.waitErr, tailFile(s.LogPath, 8))
		case <-deadline:
			return fmt.Errorf("embedded ClickHouse did not answer SELECT 1 on %s within %s; see %s", s.HTTPAddr, s.timeout, s.LogPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// DSN is the clickhouse-go DSN of the native interface for database db as
// the writer, without the password (Writer.Password, or the file
// Writer.PasswordFile).
func (s *Server) DSN(db string) string {
	return "clickhouse://" + s.Writer.User + "@" + s.TCPAddr + "/" + db
}

// AnalystDSN is DSN for the read-only analyst.
func (s *Server) AnalystDSN(db string) string {
	return "clickhouse://" + s.Analyst.User + "@" + s.TCPAddr + "/" + db
}

// writeUsersConfig makes sure the passwords exist in usersDir and writes
// users.xml and the server config file there (0600: they hold password
// hashes), returning the config file's path.
func writeUsersConfig(usersDir string, extra []chusers.User) (string, chusers.Login, chusers.Login, error) {
	writer, analyst, err := chusers.EnsureLogins(usersDir)
	if err != nil {
		return "", writer, analyst, err
	}
	usersXML := filepath.Join(usersDir, "users.xml")
	configXML := filepath.Join(usersDir, "config.xml")
	files := []struct {
		path string
		body []byte
	}{
		{usersXML, chusers.UsersXML(chusers.EmbeddedConfig{Writer: writer, Analyst: analyst, StartupQueries: blockQueryCount, Now: time.Now(), Extra: extra})},
		{configXML, chusers.ServerConfigXML(usersXML)},
	}
	for _, f := range files {
		tmp := f.path + ".tmp"
		_ = os.Remove(tmp) // WriteFile keeps the mode of a file that exists
		if err := os.WriteFile(tmp, f.body, 0o600); err != nil {
			return "", writer, analyst, fmt.Errorf("write ClickHouse users configuration %s: %w", f.path, err)
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return "", writer, analyst, fmt.Errorf("write ClickHouse users configuration %s: %w", f.path, err)
		}
	}
	return configXML, writer, analyst, nil
}

// Exited is closed when the server has stopped for good (Stop, or it kept
// dying and could not be restarted).
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Stop sends SIGTERM, waits for the child to exit (SIGKILL after 20 s or
// when ctx ends) and returns nil on a clean stop.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stopping) })
	c := s.current()
	select {
	case <-c.exited:
		<-s.exited
		return nil
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(20 * time.Second)
	defer t.Stop()
	select {
	case <-c.exited:
		<-s.exited
		s.log.Info("embedded ClickHouse stopped", "pid", c.pid)
		return nil
	case <-t.C:
	case <-ctx.Done():
	}
	_ = c.cmd.Process.Kill()
	<-c.exited
	<-s.exited
	return fmt.Errorf("embedded ClickHouse (pid %d) ignored SIGTERM and was killed", c.pid)
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

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// command is one `voc` subcommand. Each lives in its own file and adds itself
// to the registry with register in an init function, so adding a subcommand
// never touches main.go.
type command struct {
	Name    string // e.g. "local" or "schema docs"
	Summary string // one line for `voc help`
	Usage   string // argument synopsis after the name, e.g. "[flags] FILE..."
	Hidden  bool   // internal commands not listed by `voc help`
	// New builds one invocation of the command with its default
	// configuration. It is called afresh for every run (and for --help), so
	// no flag value survives from one in-process run to the next.
	New func() Invocation
}

// Invocation is one run of a command, after the Main type of
// benbjohnson/wtf's cmd/wtfd: a struct holding the command's config with its
// defaults set by the constructor, Flags binding flags to that config, and
// Run doing the work with the positional arguments. Run closes whatever it
// opened before it returns. Tests build the struct, set its config and call
// Run in-process.
type Invocation interface {
	Flags(fs *flag.FlagSet)
	Run(ctx context.Context, env *Env, args []string) error
}

// noFlags is embedded by invocations of commands without flags.
type noFlags struct{}

func (noFlags) Flags(*flag.FlagSet) {}

// Env is what every command gets from main: streams and a logger.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger
	// Getenv reads configuration (VOC_* variables, secrets); tests replace it.
	Getenv func(string) string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("voc: duplicate command " + c.Name)
	}
	if c.New == nil {
		panic("voc: command " + c.Name + " has no New")
	}
	commands[c.Name] = c
}

// lookup finds the longest registered command name that prefixes args
// ("schema docs" before "schema") and returns it with the remaining args.
func lookup(args []string) (*command, []string) {
	for n := len(args); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:]
		}
	}
	return nil, args
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "voc: voice-of-customer analytics pipeline (Kafka -> enrichment -> ClickHouse -> dashboards)")
	fmt.Fprintln(w, "\nUsage: voc COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.Hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(w, "\nRun 'voc COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "External systems: --clickhouse DSN (or VOC_CLICKHOUSE_DSN) and --brokers host:port,... (or VOC_KAFKA_BROKERS);")
	fmt.Fprintln(w, "without them commands use the embedded ClickHouse and Kafka of a running 'voc local', or start their own.")
}

// Main runs voc with args (without the program name) and returns the exit code.
func Main(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, _ := lookup(args[1:]); c != nil {
				usage(env.Stdout, c)
				return 0
			}
		}
		printHelp(env.Stdout)
		return 0
	}
	c, rest := lookup(args)
	if c == nil {
		fmt.Fprintf(env.Stderr, "voc: unknown command %q; run 'voc help' for the list\n", strings.Join(args, " "))
		return 2
	}
	fs := flag.NewFlagSet("voc "+c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	inv := c.New()
	inv.Flags(fs)
	fs.Usage = func() { usageFlags(env.Stderr, c, fs) }
	if err := fs.Parse(rest); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if err := inv.Run(ctx, env, fs.Args()); err != nil {
		if ctx.Err() != nil && err == ctx.Err() {
			return 0
		}
		env.Log.Error("voc "+c.Name+" failed", "err", err)
		fmt.Fprintf(env.Stderr, "voc %s: %v\n", c.Name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer, c *command) {
	fs := flag.NewFlagSet("voc "+c.Name, flag.ContinueOnError)
	c.New().Flags(fs)
	usageFlags(w, c, fs)
}

func usageFlags(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: voc %s %s\n\n%s\n", c.Name, c.Usage, c.Summary)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logLevel is debug when VOC_LOG_LEVEL=debug, else info.
func logLevel(getenv func(string) string) slog.Level {
	if getenv("VOC_LOG_LEVEL") == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// defaultEnv is the process's environment; everything after it reads
// variables through Env.Getenv.
func defaultEnv() *Env {
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	env.Log = newLogger(env.Stderr, env.Getenv("VOC_LOG_FORMAT"), logLevel(env.Getenv))
	return env
}

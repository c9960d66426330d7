// Command voc is the voice-of-customer analytics pipeline: one binary with
// subcommands (run `voc help`). Each subcommand lives in its own file; the
// logic lives in the packages it wires together.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/voc-analytics/voc/internal/chlocal"
)

func main() {
	// The embedded ClickHouse runs as a child process of this same binary.
	chlocal.RunChildIfRequested()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, defaultEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}

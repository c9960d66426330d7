package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/voc-analytics/voc/internal/chlocal"
	"github.com/voc-analytics/voc/internal/testenv"
)

// vocBin is the voc binary built once for the end-to-end tests of this
// package, which run it as a user would.
var vocBin string

func TestMain(m *testing.M) {
	chlocal.RunChildIfRequested() // this test binary also serves as the ClickHouse child
	dir, err := os.MkdirTemp("", "voc-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vocBin = filepath.Join(dir, "voc")
	out, err := exec.Command("go", "build", "-o", vocBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build voc: %v\n%s", err, out)
		os.Exit(1)
	}
	testenv.Main(m, func() { os.RemoveAll(dir) })
}

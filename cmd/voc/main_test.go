package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// vocBin is the voc binary built once for the end-to-end tests of this
// package, which run it as a user would.
var vocBin string

func TestMain(m *testing.M) {
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
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

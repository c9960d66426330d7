package chlocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTarball is a well-formed npm tarball holding a libchdb.so that is not
// the pinned one, so its sha512 differs from PackageIntegrity.
func fakeTarball(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := []byte("not the ClickHouse engine")
	if err := tw.WriteHeader(&tar.Header{Name: "package/libchdb.so", Mode: 0o755, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(body)
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// TestInstallRefusesATarballWithTheWrongHash: a cached tarball that does not
// match the pinned integrity is not unpacked; the download that replaces it
// (a fake npm that serves another wrong tarball) is refused and removed,
// and no library appears in the cache.
func TestInstallRefusesATarballWithTheWrongHash(t *testing.T) {
	cache := t.TempDir()
	bad := fakeTarball(t)
	if err := os.WriteFile(filepath.Join(cache, tarballName), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	npm := "#!/bin/sh\n# fake npm pack: writes a tarball that is not the pinned one\ncat " + filepath.Join(bin, "served.tgz") + " > " + tarballName + "\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(npm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "served.tgz"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	getenv := func(k string) string {
		if k == "VOC_CACHE_DIR" {
			return cache
		}
		return ""
	}
	_, err := Install(context.Background(), getenv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "failed verification") {
		t.Fatalf("Install = %v, want a verification failure", err)
	}
	if _, err := os.Stat(LibPath(cache)); !os.IsNotExist(err) {
		t.Errorf("a library was unpacked from an unverified tarball: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, tarballName)); !os.IsNotExist(err) {
		t.Errorf("the unverified download was kept: %v", err)
	}
}

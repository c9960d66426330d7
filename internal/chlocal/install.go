package chlocal

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// The pinned engine. Integrity is npm's dist.integrity of that exact version
// (`npm view @chdb/lib-linux-x64-gnu@26.7.3-stable.1 dist.integrity`).
const (
	Package          = "@chdb/lib-linux-x64-gnu"
	PackageVersion   = "26.7.3-stable.1"
	PackageIntegrity = "sha512-XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw=="
	tarballName      = "chdb-lib-linux-x64-gnu-26.7.3-stable.1.tgz"
)

// ErrNoNPM is returned when the library is not installed and npm is missing.
var ErrNoNPM = errors.New("npm not found on PATH: install Node.js and npm (Debian: apt-get install -y nodejs npm), or set VOC_CHDB_LIB to an existing libchdb.so")

// CacheDir is where the engine is unpacked: $VOC_CACHE_DIR, else
// $XDG_CACHE_HOME/voc, else ~/.cache/voc. getenv reads the variables (nil:
// os.Getenv).
func CacheDir(getenv func(string) string) string {
	getenv = orOSGetenv(getenv)
	if d := getenv("VOC_CACHE_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "voc")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".cache", "voc")
	}
	return filepath.Join(os.TempDir(), "voc-cache")
}

func orOSGetenv(getenv func(string) string) func(string) string {
	if getenv == nil {
		return os.Getenv
	}
	return getenv
}

// LibPath is where Install puts libchdb.so inside cacheDir.
func LibPath(cacheDir string) string {
	return filepath.Join(cacheDir, "chdb-"+PackageVersion, "libchdb.so")
}

// Install makes sure libchdb.so is present and returns its path. VOC_CHDB_LIB
// overrides everything. Otherwise the pinned npm tarball is fetched with
// `npm pack` into CacheDir(getenv) (once), its sha512 checked against
// PackageIntegrity, and unpacked. Concurrent callers (parallel test
// packages) serialise on a lock file. getenv reads the variables (nil:
// os.Getenv).
func Install(ctx context.Context, getenv func(string) string, log *slog.Logger) (string, error) {
	getenv = orOSGetenv(getenv)
	cacheDir := CacheDir(getenv)
	if p := getenv("VOC_CHDB_LIB"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("VOC_CHDB_LIB=%s: %w", p, err)
		}
		return p, nil
	}
	lib := LibPath(cacheDir)
	if _, err := os.Stat(lib); err == nil {
		return lib, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("create cache dir %s (set VOC_CACHE_DIR to a writable directory): %w", cacheDir, err)
	}
	unlock, err := lockFile(filepath.Join(cacheDir, "install.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(lib); err == nil { // another process installed it while we waited
		return lib, nil
	}
	tgz := filepath.Join(cacheDir, tarballName)
	if err := verifyIntegrity(tgz); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			return "", ErrNoNPM
		}
		log.Info("downloading ClickHouse engine (about 180 MB, once)", "package", Package+"@"+PackageVersion, "cache", cacheDir)
		cmd := exec.CommandContext(ctx, "npm", "pack", "--silent", Package+"@"+PackageVersion)
		cmd.Dir = cacheDir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("npm pack %s@%s: %w: %s (check network access to the npm registry)", Package, PackageVersion, err, lastLines(out, 5))
		}
		if err := verifyIntegrity(tgz); err != nil {
			os.Remove(tgz)
			return "", fmt.Errorf("downloaded tarball failed verification, removed it; retry: %w", err)
		}
	}
	log.Info("unpacking ClickHouse engine", "tarball", tgz)
	if err := unpackLib(tgz, lib); err != nil {
		return "", err
	}
	return lib, nil
}

func verifyIntegrity(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha512.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	got := "sha512-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	if got != PackageIntegrity {
		return fmt.Errorf("integrity mismatch for %s: got %s, want %s", path, got, PackageIntegrity)
	}
	return nil
}

// unpackLib extracts package/libchdb.so from the tarball into lib, through a
// temporary file renamed into place so a crash never leaves a partial library.
func unpackLib(tgz, lib string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", tgz, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return fmt.Errorf("unpack %s: no libchdb.so in the package", tgz)
		}
		if err != nil {
			return fmt.Errorf("unpack %s: %w", tgz, err)
		}
		if filepath.Base(h.Name) != "libchdb.so" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(lib), "libchdb-*.tmp")
		if err != nil {
			return fmt.Errorf("unpack into %s: %w", filepath.Dir(lib), err)
		}
		if _, err := io.Copy(tmp, tr); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return fmt.Errorf("unpack libchdb.so: %w", err)
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		return os.Rename(tmp.Name(), lib)
	}
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

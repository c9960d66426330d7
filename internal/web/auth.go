package web

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Users are the people allowed in when voc serve binds beyond loopback: a
// user name and a bcrypt hash per line of the auth file.
type Users struct {
	hashes map[string][]byte
	mu     sync.Mutex
	// ok caches user+password pairs already verified: bcrypt costs tens of
	// milliseconds per check, and every page loads many API requests.
	ok map[string]bool
}

// LoadAuthFile reads an auth file: one `user:bcrypt-hash` per line (the
// format of `htpasswd -B`), blank lines and lines starting with # ignored.
// Make a line with `htpasswd -nbB alice 'her password'`, or with
// `voc serve hash-password` (reads the password on stdin).
func LoadAuthFile(path string) (*Users, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read --auth-file: %w", err)
	}
	u := &Users{hashes: map[string][]byte{}, ok: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("--auth-file %s line %d: want user:bcrypt-hash", path, n)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("--auth-file %s line %d (user %s): not a bcrypt hash (make one with htpasswd -nbB USER PASSWORD): %w", path, n, name, err)
		}
		u.hashes[name] = []byte(hash)
	}
	if len(u.hashes) == 0 {
		return nil, fmt.Errorf("--auth-file %s holds no user", path)
	}
	return u, nil
}

// HashPassword returns an auth file line for user.
func HashPassword(user, password string) (string, error) {
	if user == "" || strings.ContainsAny(user, ":\n") {
		return "", fmt.Errorf("user name %q: not empty, no ':'", user)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return user + ":" + string(h), nil
}

// check reports whether user and password match.
func (u *Users) check(user, password string) bool {
	hash, ok := u.hashes[user]
	if !ok {
		// Same work for an unknown user, so timing does not tell names.
		dummyOnce.Do(func() { dummyHash, _ = bcrypt.GenerateFromPassword([]byte("voc"), bcrypt.DefaultCost) })
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	key := user + "\x00" + password
	u.mu.Lock()
	cached := u.ok[key]
	u.mu.Unlock()
	if cached {
		return true
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil {
		return false
	}
	u.mu.Lock()
	if len(u.ok) > 1000 {
		u.ok = map[string]bool{}
	}
	u.ok[key] = true
	u.mu.Unlock()
	return true
}

// middleware asks for HTTP basic authentication, except for /healthz.
func (u *Users) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		user, pw, ok := r.BasicAuth()
		if !ok || !u.check(user, pw) {
			w.Header().Set("WWW-Authenticate", `Basic realm="voc", charset="UTF-8"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// static holds the pages' scripts and styles, and ECharts 6.1.0 (npm
// echarts, dist/echarts.min.js, Apache-2.0; LICENSE, NOTICE and the d3
// licence beside it). README ("voc serve") says how to update it.
//
//go:embed static
var static embed.FS

type asset struct {
	body        []byte
	etag        string
	contentType string
}

var (
	assetsOnce sync.Once
	assets     map[string]asset // by path under static/, e.g. "app.js"
)

func loadAssets() {
	assets = map[string]asset{}
	_ = fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset") {
			ct += "; charset=utf-8"
		}
		assets[strings.TrimPrefix(p, "static/")] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ct}
		return nil
	})
}

// assetURL is the URL of a static file with its content hash, so pages can
// let browsers cache it for long.
func assetURL(name string) string {
	assetsOnce.Do(loadAssets)
	a, ok := assets[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + strings.Trim(a.etag, `"`)
}

// serveStatic serves embedded assets with an ETag; a URL carrying the
// content hash (?v=) may be cached for a year, others revalidate.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	assetsOnce.Do(loadAssets)
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", a.etag)
	if v := r.URL.Query().Get("v"); v != "" && `"`+v+`"` == a.etag {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300, must-revalidate")
	}
	if match := r.Header.Get("If-None-Match"); match != "" {
		for _, m := range strings.Split(match, ",") {
			if m = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m), "W/")); m == a.etag || m == "*" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	h.Set("Content-Type", a.contentType)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(a.body)
}

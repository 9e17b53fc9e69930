package control

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// webFS is the page posemu serves at its root: plain HTML, CSS and ES
// modules, shipped inside the binary so a developer needs nothing but
// posemu and a browser (no build step, nothing fetched from the internet).
//
//go:embed web
var webFS embed.FS

// webAssets is webFS without its top directory.
var webAssets = func() fs.FS {
	sub, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}()

// WebAssets returns the files of the web page (index.html, style.css, the
// ES modules), for tests and tools that want to inspect them.
func WebAssets() fs.FS { return webAssets }

// webPrefix is where the page's assets live; the page itself is at "/".
const webPrefix = "/ui/"

// routeWeb registers the web page: GET / answers index.html and GET
// /ui/{file} its assets. Everything else stays the API's (unknown paths
// still get the JSON 404).
func (s *Server) routeWeb() {
	s.mux.Handle("GET /{$}", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return serveAsset(w, r, "index.html")
	}))
	s.mux.Handle("GET "+webPrefix+"{file...}", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return serveAsset(w, r, r.PathValue("file"))
	}))
}

// serveAsset answers one embedded file, with headers that keep the page
// from being framed by another site (it can press keys) and from loading
// anything that is not posemu's own.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) error {
	clean := path.Clean("/" + name)[1:]
	if clean == "" || strings.HasSuffix(name, "/") {
		return errorf(http.StatusNotFound, "no such page asset %q", name)
	}
	data, err := fs.ReadFile(webAssets, clean)
	if err != nil {
		// Missing, or a directory: there is no file to serve either way.
		return errorf(http.StatusNotFound, "no such page asset %q", name)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	// The page changes with posemu's version; a stale cached module would
	// talk to endpoints that moved.
	h.Set("Cache-Control", "no-cache")
	// ServeContent picks the type from the extension (text/javascript for
	// the modules, as module scripts require) and handles HEAD and ranges.
	http.ServeContent(w, r, path.Base(clean), time.Time{}, bytes.NewReader(data))
	return nil
}

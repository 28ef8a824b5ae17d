package demo

import (
	"io/fs"
	"net/http"

	"github.com/moat-dev/moat/web"
)

// siteConfig is /demo-config.json: what the page (and a curl user) needs to
// sign in. None of it is secret; the client has no secret.
type siteConfig struct {
	IdentityURL string   `json:"identityUrl"`
	Region      string   `json:"region"`
	UserPoolID  string   `json:"userPoolId"`
	ClientID    string   `json:"clientId"`
	Users       []string `json:"users"`
	Group       string   `json:"group"`
}

// serveConfig answers with config as JSON, uncached.
func serveConfig(config any) http.Handler {
	return noCache(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, config)
	}))
}

// noCache serves h with Cache-Control: no-cache, so that a newer moat's
// page is never mixed with an older cached script or config.
func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// embedded is the directory dir of fsys, embedded at build time.
func embedded(fsys fs.FS, dir string) fs.FS {
	root, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return root
}

// siteRoot is the embedded demo/ directory.
func siteRoot() fs.FS { return embedded(web.Demo, "demo") }

// siteFiles serves the page and its script; no-cache, so a newer moat's
// page is never mixed with an older cached script.
func siteFiles() http.Handler {
	return noCache(http.FileServerFS(siteRoot()))
}

// siteAssets are the files the page loads besides itself: each becomes a
// GET route of the demo API.
func siteAssets() ([]string, error) {
	entries, err := fs.ReadDir(siteRoot(), ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "index.html" {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

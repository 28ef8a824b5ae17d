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

func (c siteConfig) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, c)
}

// siteRoot is the embedded demo/ directory.
func siteRoot() fs.FS {
	root, err := fs.Sub(web.Demo, "demo")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return root
}

// siteFiles serves the page and its script; no-cache, so a newer moat's
// page is never mixed with an older cached script.
func siteFiles() http.Handler {
	files := http.FileServerFS(siteRoot())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
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

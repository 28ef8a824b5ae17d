package console

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/web"
)

// pageNames are the templates under web/console, each parsed with layout.html.
var pageNames = []string{"signin", "refused", "pools", "pool", "client_created", "users", "user",
	"apis", "api", "functions", "function", "identity_pools", "identity_pool",
	"usage", "waf", "events"}

type pages struct{ byName map[string]*template.Template }

var funcs = template.FuncMap{
	// when shows a Cognito epoch-seconds date (or a time) in UTC.
	"when": func(v any) string {
		var t time.Time
		switch v := v.(type) {
		case float64:
			t = time.Unix(int64(v), 0)
		case int64:
			t = time.Unix(v, 0)
		case time.Time:
			t = v
		}
		if t.IsZero() || t.Unix() == 0 {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"whenMillis": func(ms int64) string {
		if ms == 0 {
			return "—"
		}
		return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC")
	},
	"stageNames":  stageNames,
	"join":        strings.Join,
	"clientFlows": func() []string { return clientFlows },
	"json": func(v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		return string(b), err
	},
}

func loadPages() (*pages, error) {
	byName, err := web.Pages(web.Console, "console", pageNames, funcs)
	if err != nil {
		return nil, err
	}
	return &pages{byName: byName}, nil
}

// view is what every page shows around its own Data: the session's
// role and key ID, the CSRF token its forms carry, a message left by the
// last change, and which section of the navigation it is in.
type view struct {
	Title    string
	Section  string
	SignedIn bool
	ReadOnly bool
	KeyID    string
	CSRF     string
	Flash    flash
	Data     any
}

// show renders a signed-in page: the session's token and message filled in.
func (c *Console) show(w http.ResponseWriter, r *http.Request, rq *request, name string, v *view) {
	v.SignedIn, v.ReadOnly, v.KeyID, v.CSRF = true, rq.session.role != FullAccess, rq.session.keyID, rq.session.csrf
	if v.Flash.Text == "" {
		v.Flash = c.sessions.takeFlash(rq.token)
	}
	c.render(w, r, http.StatusOK, name, v)
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	var buf bytes.Buffer
	if err := c.pages.byName[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		c.log.Error("console page", "page", name, "err", err)
		http.Error(w, "Internal server error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the browser went away
}

// assets serves the stylesheet and scripts beside the pages.
func assets() http.Handler {
	sub, _ := fs.Sub(web.Console, "console") // the directory is embedded
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !strings.HasSuffix(name, ".css") && !strings.HasSuffix(name, ".js") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}

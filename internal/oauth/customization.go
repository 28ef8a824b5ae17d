package oauth

import (
	"net/http"

	"github.com/moat-dev/moat/internal/userpool"
)

// customCSS and customLogo serve a pool's (or client's) UI customization,
// named by the pages' links: /hosted/custom.css?pool=…&client=…&v=….

func (p *Provider) customCSS(w http.ResponseWriter, r *http.Request) {
	look := p.look(w, r)
	if look == nil || look.CSS == "" {
		http.NotFound(w, r)
		return
	}
	customHeaders(w)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write([]byte(look.CSS)) //nolint:errcheck // the browser went away
}

func (p *Provider) customLogo(w http.ResponseWriter, r *http.Request) {
	look := p.look(w, r)
	if look == nil || look.ImageType == "" {
		http.NotFound(w, r)
		return
	}
	customHeaders(w)
	w.Header().Set("Content-Type", look.ImageType)
	w.Write(look.Image) //nolint:errcheck // the browser went away
}

func (p *Provider) look(w http.ResponseWriter, r *http.Request) *userpool.HostedLook {
	q := r.URL.Query()
	if !servesPool(r.Context(), q.Get("pool")) {
		return nil
	}
	look, err := p.pools.HostedLookFor(r.Context(), q.Get("pool"), q.Get("client"))
	if err != nil {
		p.log.Error("UI customization", "err", err)
		return nil
	}
	return look
}

// customHeaders: the versioned URL makes the answer cacheable for long.
func customHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
}

// Package wafstage is the gateway's first pipeline stage: the web ACL
// associated with the request's stage judges it before the resource
// policy, the authorizer and usage plans see it.
package wafstage

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/waf"
)

// Stage is the WAF as a gateway.PipelineStage.
type Stage struct {
	firewall *waf.Service
	region   string
}

// New returns the stage for the web ACLs firewall keeps.
func New(firewall *waf.Service, region string) *Stage {
	return &Stage{firewall: firewall, region: region}
}

// Pass evaluates the stage's web ACL, if it has one, on the request's one
// canonical path and its peer address (a rule reads X-Forwarded-For only
// through ForwardedIPConfig, as in AWS). A block is WAF_FILTERED (403
// {"message":"Forbidden"}), or the rule's custom response; headers Allow
// and Count rules insert go to the backend.
func (s *Stage) Pass(req *gateway.Request) error {
	acl := s.firewall.Protection(waf.StageARN(s.region, req.API.ID, req.Stage.Name))
	if acl == nil {
		return nil
	}
	r := req.HTTP
	limit := acl.BodyLimit(waf.ResourceAPIGateway)
	var body []byte
	if acl.InspectsBody() {
		var err error
		if body, err = peekBody(r, limit); err != nil {
			return err
		}
	}
	d := acl.Evaluate(r.Context(), waf.View(r, r.URL.Path, peer(r), body, limit))
	for _, h := range d.InsertHeaders {
		if req.BackendHeaders == nil {
			req.BackendHeaders = http.Header{}
		}
		req.BackendHeaders.Add(h.Name, h.Value)
	}
	if !d.Blocked() {
		return nil
	}
	if resp := d.Response; resp != nil {
		headers := http.Header{}
		for _, h := range resp.Headers {
			headers.Add(h.Name, h.Value)
		}
		return &gateway.Error{Type: gateway.WAFFiltered, Status: resp.Status, Headers: headers, Raw: true, Body: resp.Body, ContentType: resp.ContentType}
	}
	return &gateway.Error{Type: gateway.WAFFiltered, Message: "Forbidden"}
}

// peekBody reads up to limit+1 bytes of the body (one more tells an
// oversize body) and puts them back in front of the rest for the
// integration.
func peekBody(r *http.Request, limit int) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	buf := make([]byte, limit+1)
	n, err := io.ReadFull(r.Body, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	buf = buf[:n]
	r.Body = prefixed{Reader: io.MultiReader(bytes.NewReader(buf), r.Body), Closer: r.Body}
	return buf, nil
}

type prefixed struct {
	io.Reader
	io.Closer
}

func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

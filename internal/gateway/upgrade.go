package gateway

import (
	"net/http"
	"strings"
)

// checkUpgrade refuses a protocol switch the route is not configured for.
// A backend answering 101 turns the connection into a raw tunnel that no
// later request on it is routed, authorized or logged through, so only a
// route with websocket: true may switch, and only to WebSocket (RFC 6455's
// GET handshake). Its pipeline runs once, for the handshake; the tunnel then
// leads only to that route's backend.
//
// An offer of h2c (curl --http2 over http sends one) is not refused: a
// server may ignore it and answer over HTTP/1.1 (RFC 7540 §3.2), as nginx
// does, so the offer is dropped here and never reaches a backend.
func checkUpgrade(r *http.Request, route *Route) error {
	protocol := upgradeProtocol(r.Header)
	switch {
	case protocol == "":
		return nil
	case strings.EqualFold(protocol, "h2c"):
		r.Header.Del("Upgrade")
		r.Header.Del("Http2-Settings")
		return nil
	case !route.WebSocket:
		return &Error{Type: BadRequestParameters, Message: "This route does not accept protocol upgrades"}
	case !strings.EqualFold(protocol, "websocket") || r.Method != http.MethodGet:
		return &Error{Type: BadRequestParameters, Message: "This route accepts only a WebSocket upgrade (GET with Upgrade: websocket)"}
	}
	return nil
}

// upgradeProtocol is the protocol a request asks to switch to: its Upgrade
// header, when Connection names it (a lone Upgrade header is hop-by-hop and
// never reaches a backend).
func upgradeProtocol(h http.Header) string {
	for _, v := range h["Connection"] {
		for token := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "upgrade") {
				return h.Get("Upgrade")
			}
		}
	}
	return ""
}

// Package clientip finds the address a request came from. Behind a load
// balancer the TCP peer is the balancer, so the address it forwards in
// X-Forwarded-For or Forwarded is used instead, but only when the peer is a
// proxy the operator named: anyone else could write those headers.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks whose forwarding headers are believed. The zero
// value trusts no one: every request's address is its TCP peer.
type Proxies struct {
	prefixes []netip.Prefix
}

// ParseProxies reads a comma-separated list of CIDRs or bare addresses
// ("10.0.0.0/8, 192.0.2.7, fd00::/8"); empty trusts no one.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		prefix, err := parsePrefix(entry)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q is neither a CIDR (10.0.0.0/8) nor an address (10.0.0.7)", entry)
		}
		p.prefixes = append(p.prefixes, prefix)
	}
	return p, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		prefix, err := netip.ParsePrefix(s)
		if err != nil || prefix.Addr().Is4In6() || prefix.Addr().Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("bad prefix %q", s) // IPv4 networks are written as IPv4
		}
		return prefix.Masked(), nil
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad address %q", s)
	}
	addr = addr.Unmap()
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, prefix := range p.prefixes {
		if prefix.Contains(a) {
			return true
		}
	}
	return false
}

// Of returns the client address of r, without port. The TCP peer is the
// answer unless it is a trusted proxy; then the forwarded hops are walked
// from the right (the entry the nearest proxy wrote) past every trusted
// proxy, and the first untrusted hop is the client. Entries to its left
// were written by the client itself and are never believed. X-Forwarded-For
// is read when present, else Forwarded (RFC 7239). A hop that cannot be
// read stops the walk at the last address known good.
func (p Proxies) Of(r *http.Request) string {
	peer, ok := parseHost(r.RemoteAddr)
	if !ok || !p.trusts(peer) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	client := peer
	hops := forwardedHops(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHost(hops[i])
		if !ok {
			break
		}
		client = hop
		if !p.trusts(hop) {
			break
		}
	}
	return client.String()
}

// forwardedHops lists the addresses a request passed through, leftmost
// (furthest from moat) first, as the proxies wrote them.
func forwardedHops(h http.Header) []string {
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, line := range xff {
			for _, hop := range strings.Split(line, ",") {
				hops = append(hops, strings.TrimSpace(hop))
			}
		}
		return hops
	}
	for _, line := range h.Values("Forwarded") {
		for _, element := range strings.Split(line, ",") {
			hops = append(hops, forwardedFor(element))
		}
	}
	return hops
}

// forwardedFor is the for= node of one Forwarded element
// (for="[2001:db8::1]:4711";proto=https), "" when it has none.
func forwardedFor(element string) string {
	for _, pair := range strings.Split(element, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(name, "for") {
			return strings.Trim(value, `"`)
		}
	}
	return ""
}

// parseHost reads an address with or without a port: 192.0.2.1,
// 192.0.2.1:443, 2001:db8::1, [2001:db8::1]:443. Zones are dropped and
// IPv4-mapped IPv6 addresses are written as IPv4, so one client has one key.
func parseHost(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

package clientip

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func request(peer string, header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.RemoteAddr = peer
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

func TestOf(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7 ,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		r      *http.Request
		client string
	}{
		{"untrusted peer, no headers", request("198.51.100.9:5555"), "198.51.100.9"},
		{"untrusted peer's X-Forwarded-For is ignored", request("198.51.100.9:5555", "X-Forwarded-For", "203.0.113.1"), "198.51.100.9"},
		{"untrusted peer's Forwarded is ignored", request("198.51.100.9:5555", "Forwarded", "for=203.0.113.1"), "198.51.100.9"},
		{"trusted peer without headers", request("10.1.2.3:80"), "10.1.2.3"},
		{"trusted peer forwards the client", request("10.1.2.3:80", "X-Forwarded-For", "203.0.113.1"), "203.0.113.1"},
		{"addresses the client wrote are left of the one the proxy wrote", request("10.1.2.3:80", "X-Forwarded-For", "1.1.1.1, 2.2.2.2, 203.0.113.1"), "203.0.113.1"},
		{"a chain of trusted proxies is walked", request("10.1.2.3:80", "X-Forwarded-For", "1.1.1.1, 203.0.113.1, 192.0.2.7, 10.9.9.9"), "203.0.113.1"},
		{"several header lines are one list", request("10.1.2.3:80", "X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "203.0.113.1, 10.0.0.1"), "203.0.113.1"},
		{"every hop trusted: the furthest", request("10.1.2.3:80", "X-Forwarded-For", "10.0.0.5, 10.0.0.6"), "10.0.0.5"},
		{"garbage the proxy wrote stops at the last known hop", request("10.1.2.3:80", "X-Forwarded-For", "203.0.113.1, unknown"), "10.1.2.3"},
		{"garbage left of the client does not matter", request("10.1.2.3:80", "X-Forwarded-For", "<script>, 203.0.113.1"), "203.0.113.1"},
		{"ports and brackets are dropped", request("10.1.2.3:80", "X-Forwarded-For", "[2001:db8::1]:4711"), "2001:db8::1"},
		{"Forwarded when there is no X-Forwarded-For", request("10.1.2.3:80", "Forwarded", `for=1.1.1.1, for="[2001:db8::9]:80";proto=https`), "2001:db8::9"},
		{"Forwarded with obfuscated node", request("10.1.2.3:80", "Forwarded", "for=_hidden"), "10.1.2.3"},
		{"X-Forwarded-For wins over Forwarded", request("10.1.2.3:80", "Forwarded", "for=1.1.1.1", "X-Forwarded-For", "203.0.113.1"), "203.0.113.1"},
		{"IPv6 proxy", request("[fd00::1]:80", "X-Forwarded-For", "203.0.113.1"), "203.0.113.1"},
		{"IPv4-mapped peer is the IPv4 proxy", request("[::ffff:10.1.2.3]:80", "X-Forwarded-For", "::ffff:203.0.113.1"), "203.0.113.1"},
		{"unparsable peer is kept as is", request("pipe", "X-Forwarded-For", "203.0.113.1"), "pipe"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := proxies.Of(c.r); got != c.client {
				t.Errorf("got %q, want %q", got, c.client)
			}
		})
	}
}

func TestNoProxiesTrustsNoHeader(t *testing.T) {
	var none Proxies
	if got := none.Of(request("10.1.2.3:80", "X-Forwarded-For", "203.0.113.1")); got != "10.1.2.3" {
		t.Fatalf("got %q", got)
	}
}

func TestParseProxiesRefusesWhatIsNotANetwork(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0.0/8,,nope", "::ffff:10.0.0.0/104", "fe80::1%eth0"} {
		if _, err := ParseProxies(bad); err == nil || !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("ParseProxies(%q) = %v, want an error naming the entry", bad, err)
		}
	}
	if p, err := ParseProxies(" "); err != nil || len(p.prefixes) != 0 {
		t.Errorf("blank list: %v %v", p, err)
	}
}

// FuzzOf: whatever the headers hold, the answer is the peer or an address
// that parses, and never one from an untrusted peer's headers.
func FuzzOf(f *testing.F) {
	f.Add("10.1.2.3:80", "1.1.1.1, 203.0.113.1", "for=1.1.1.1")
	f.Add("198.51.100.9:1", "203.0.113.1", "")
	f.Add("[fd00::1]:80", "", `for="[2001:db8::9]:80";proto=https, for=unknown`)
	f.Add("10.0.0.1:1", ",,,[::1]:x, 300.1.1.1", `for=";for=`)
	proxies, err := ParseProxies("10.0.0.0/8,fd00::/8")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, peer, xff, forwarded string) {
		r := request(peer)
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if forwarded != "" {
			r.Header.Set("Forwarded", forwarded)
		}
		got := proxies.Of(r)
		peerAddr, ok := parseHost(peer)
		if !ok || !proxies.trusts(peerAddr) {
			if got != proxies.Of(request(peer)) {
				t.Fatalf("untrusted peer %q: headers changed the answer to %q", peer, got)
			}
			return
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("peer %q xff %q forwarded %q: %q is not an address", peer, xff, forwarded, got)
		}
	})
}

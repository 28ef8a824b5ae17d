package waf

import (
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// maxIPSetAddresses is WAFv2's limit on addresses in one IP set.
const maxIPSetAddresses = 10000

// addressSet is a compiled IP set: prefixes grouped by length, so a lookup
// costs one map probe per distinct length rather than one per address.
type addressSet struct {
	v6      bool
	lengths []int // longest first
	byLen   map[int]map[netip.Addr]struct{}
}

// ValidateIPSet checks an IP set's version and addresses as WAFv2 does:
// every address a CIDR of the set's version (192.0.2.44/32, not a bare
// address), none a /0.
func ValidateIPSet(version string, addresses []string) error {
	_, err := compileIPSet(version, addresses)
	return err
}

func compileIPSet(version string, addresses []string) (*addressSet, error) {
	var v6 bool
	switch version {
	case "IPV4":
	case "IPV6":
		v6 = true
	default:
		return nil, invalid("IP_ADDRESS_VERSION", version, "IPAddressVersion must be IPV4 or IPV6")
	}
	if len(addresses) > maxIPSetAddresses {
		return nil, invalid("IP_ADDRESS", fmt.Sprint(len(addresses)), "an IP set holds at most %d addresses", maxIPSetAddresses)
	}
	s := &addressSet{v6: v6, byLen: map[int]map[netip.Addr]struct{}{}}
	for _, a := range addresses {
		p, err := netip.ParsePrefix(strings.TrimSpace(a))
		if err != nil || p.Addr().Zone() != "" {
			return nil, invalid("IP_ADDRESS", a, "addresses are CIDRs such as 192.0.2.44/32 or 2001:db8::/32")
		}
		if p.Addr().Is6() != v6 || p.Addr().Is4In6() {
			return nil, invalid("IP_ADDRESS", a, "the address is not %s like the set's IPAddressVersion", version)
		}
		if p.Bits() == 0 {
			return nil, invalid("IP_ADDRESS", a, "a /0 range is not allowed; use the web ACL's DefaultAction to act on every address")
		}
		p = p.Masked()
		set := s.byLen[p.Bits()]
		if set == nil {
			set = map[netip.Addr]struct{}{}
			s.byLen[p.Bits()] = set
			s.lengths = append(s.lengths, p.Bits())
		}
		set[p.Addr()] = struct{}{}
	}
	slices.Sort(s.lengths)
	slices.Reverse(s.lengths)
	return s, nil
}

func (s *addressSet) contains(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.Is6() != s.v6 {
		return false
	}
	for _, n := range s.lengths {
		p, _ := a.Prefix(n)
		if _, ok := s.byLen[n][p.Addr()]; ok {
			return true
		}
	}
	return false
}

// forwardedIP reads the client address from a header (ForwardedIPConfig).
type forwardedIP struct {
	header        string // canonical
	fallbackMatch bool
	position      string // FIRST LAST ANY (IP set statements only)
}

// maxForwardedAddresses is how many addresses WAFv2 reads from the header
// for Position ANY: the last ten.
const maxForwardedAddresses = 10

func compileForwardedIP(header, fallback, position string, withPosition bool) (*forwardedIP, error) {
	if header == "" || len(header) > 255 || strings.Trim(header, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return nil, invalid("HEADER_NAME", header, "HeaderName must be 1 to 255 letters, digits and hyphens, such as X-Forwarded-For")
	}
	f := &forwardedIP{header: http.CanonicalHeaderKey(header)}
	switch fallback {
	case "MATCH":
		f.fallbackMatch = true
	case "NO_MATCH":
	default:
		return nil, invalid("FALLBACK_BEHAVIOR", fallback, "FallbackBehavior must be MATCH or NO_MATCH")
	}
	if withPosition {
		switch position {
		case "FIRST", "LAST", "ANY":
			f.position = position
		default:
			return nil, invalid("POSITION", position, "Position must be FIRST, LAST or ANY")
		}
	} else {
		f.position = "FIRST"
	}
	return f, nil
}

// test applies match to the header's address(es). present is false when
// the header is absent: WAFv2 then does not apply the statement at all.
// An address that does not parse takes the fallback.
func (f *forwardedIP) test(r *Request, match func(netip.Addr) bool) (matched, present bool) {
	line := strings.Join(r.Header[f.header], ",")
	if strings.TrimSpace(line) == "" {
		return false, false
	}
	hops := strings.Split(line, ",")
	switch f.position {
	case "FIRST":
		hops = hops[:1]
	case "LAST":
		hops = hops[len(hops)-1:]
	default:
		hops = hops[max(0, len(hops)-maxForwardedAddresses):]
	}
	for _, h := range hops {
		a, err := netip.ParseAddr(strings.TrimSpace(h))
		if err != nil {
			if f.fallbackMatch {
				return true, true
			}
			continue
		}
		if match(a) {
			return true, true
		}
	}
	return false, true
}

// address is the single forwarded address (the first), for statements
// without Position; ok false means use the fallback.
func (f *forwardedIP) address(r *Request) (a netip.Addr, present, ok bool) {
	line := strings.Join(r.Header[f.header], ",")
	if strings.TrimSpace(line) == "" {
		return netip.Addr{}, false, false
	}
	first, _, _ := strings.Cut(line, ",")
	a, err := netip.ParseAddr(strings.TrimSpace(first))
	return a.Unmap(), true, err == nil
}

type ipSetMatch struct {
	set *addressSet
	fwd *forwardedIP
}

func (m *ipSetMatch) matches(ev *evaluation) bool {
	if m.fwd == nil {
		return m.set.contains(ev.req.ClientIP)
	}
	matched, _ := m.fwd.test(ev.req, m.set.contains)
	return matched
}

package siwe

import (
	"net/netip"
	"strings"
)

// Character sets of RFC 3986 (letters and digits are always allowed).
const (
	unreservedMarks = "-._~"
	subDelims       = "!$&'()*+,;="
	genDelims       = ":/?#[]@"
	pcharMarks      = unreservedMarks + subDelims + ":@"
	userinfoMarks   = unreservedMarks + subDelims + ":"
	regNameMarks    = unreservedMarks + subDelims
	pathMarks       = pcharMarks + "/"
	queryMarks      = pcharMarks + "/?" // fragment is the same set
	// statementMarks is EIP-4361's statement: reserved, unreserved or space.
	statementMarks = unreservedMarks + genDelims + subDelims + " "
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isHex(c byte) bool   { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

// consistsOf reports whether s holds only letters, digits, bytes in marks
// and, when percentEncoded, %XX escapes.
func consistsOf(s, marks string, percentEncoded bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c) || strings.IndexByte(marks, c) >= 0:
		case c == '%' && percentEncoded && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

// isDigits and isHexDigits accept the empty string.
func isDigits(s string) bool { return all(s, isDigit) }

func isHexDigits(s string) bool { return all(s, isHex) }

func all(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// isScheme is RFC 3986's scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isScheme(s string) bool {
	return s != "" && isAlpha(s[0]) && consistsOf(s, "+-.", false)
}

// authorityHost checks RFC 3986's authority, [ userinfo "@" ] host
// [ ":" port ], and returns its host.
func authorityHost(s string) (string, bool) {
	if at := strings.IndexByte(s, '@'); at >= 0 {
		if !consistsOf(s[:at], userinfoMarks, true) {
			return "", false
		}
		s = s[at+1:]
	}
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 || !isIPLiteral(s[1:end]) {
			return "", false
		}
		host, port = s[:end+1], s[end+1:]
		if port != "" {
			var ok bool
			if port, ok = strings.CutPrefix(port, ":"); !ok {
				return "", false
			}
		}
	} else {
		if colon := strings.LastIndexByte(s, ':'); colon >= 0 {
			host, port = s[:colon], s[colon+1:]
		}
		if !consistsOf(host, regNameMarks, true) {
			return "", false
		}
	}
	return host, isDigits(port)
}

// isIPLiteral is what sits between the brackets: an IPv6 address (without
// a zone, which RFC 3986 has no room for) or IPvFuture.
func isIPLiteral(s string) bool {
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "v"); ok {
		version, addr, ok := strings.Cut(rest, ".")
		return ok && version != "" && isHexDigits(version) &&
			addr != "" && consistsOf(addr, unreservedMarks+subDelims+":", false)
	}
	ip, err := netip.ParseAddr(s)
	return err == nil && ip.Is6() && ip.Zone() == ""
}

// isURI is RFC 3986's URI: scheme ":" hier-part [ "?" query ] [ "#" fragment ].
func isURI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 0 || !isScheme(s[:colon]) {
		return false
	}
	rest, fragment, _ := strings.Cut(s[colon+1:], "#")
	rest, query, _ := strings.Cut(rest, "?")
	if !consistsOf(fragment, queryMarks, true) || !consistsOf(query, queryMarks, true) {
		return false
	}
	// "//" starts an authority, which runs to the path's first "/"; without
	// one, the path cannot start with "//", which this split guarantees.
	if afterSlashes, ok := strings.CutPrefix(rest, "//"); ok {
		end := strings.IndexByte(afterSlashes, '/')
		if end < 0 {
			end = len(afterSlashes)
		}
		if _, ok := authorityHost(afterSlashes[:end]); !ok {
			return false
		}
		rest = afterSlashes[end:]
	}
	return consistsOf(rest, pathMarks, true)
}

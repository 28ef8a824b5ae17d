package gateway

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
)

// The gateway decides a request's path once, at the edge, and every stage —
// API and stage selection, routing, the resource policy, authorizers, the
// method ARN, usage plans and the backend request — uses that one value.
// Were routing to see "/open/../admin" while the backend is sent
// "/open/%2e%2e/admin", a request could reach a route authorization never
// saw.
//
// The canonical form (RFC 3986 §6.2.2): percent-encoded unreserved
// characters decoded, every other escape in upper case, "." and ".."
// segments removed (§5.2.4), runs of slashes collapsed. A path that has no
// such form is refused with 400 (see canonicalPath).

// canonicalPath returns the canonical form of an escaped request path: as
// decoded text (what routes match and policies see) and as escaped text
// (what a backend is sent; decoding it gives decoded). ok is false for a
// path moat refuses rather than guess at:
//   - an encoded slash (%2F), which API Gateway never routes as part of a
//     segment and which backends disagree about;
//   - a backslash, raw or encoded, which some backends read as a slash;
//   - an encoded control character (NUL truncates paths in C backends);
//   - a ".." that climbs above the root;
//   - a dot segment with matrix parameters ("..;x"), which servlet
//     containers resolve as "..";
//   - an invalid escape, or a path that does not start with /.
func canonicalPath(escaped string) (decoded, encoded string, ok bool) {
	if escaped == "" {
		return "/", "/", true
	}
	if escaped[0] != '/' {
		return "", "", false
	}
	if alreadyCanonical(escaped) {
		return escaped, escaped, true
	}
	b := make([]byte, 0, len(escaped)+1)
	var starts []int // where each kept segment begins in b, for ".."
	trailingSlash := false
	for rest := escaped[1:]; ; {
		raw, tail, more := strings.Cut(rest, "/")
		mark := len(b)
		b = append(b, '/')
		var ok bool
		if b, ok = appendSegment(b, raw); !ok {
			return "", "", false
		}
		seg := string(b[mark+1:]) // no copy: the compiler sees it only compared
		trailingSlash = false
		switch {
		case seg == "" || seg == ".":
			trailingSlash = true
			b = b[:mark]
		case seg == "..":
			if len(starts) == 0 {
				return "", "", false
			}
			trailingSlash = true
			b = b[:starts[len(starts)-1]]
			starts = starts[:len(starts)-1]
		case isDotSegmentWithParams(b[mark+1:]):
			return "", "", false
		default:
			starts = append(starts, mark)
		}
		if !more {
			break
		}
		rest = tail
	}
	if len(b) == 0 || trailingSlash {
		b = append(b, '/')
	}
	encoded = string(b)
	decoded, err := url.PathUnescape(encoded)
	if err != nil { // cannot happen: every escape written is valid
		return "", "", false
	}
	return decoded, encoded, true
}

// alreadyCanonical is the common case, checked without allocating: no
// escapes, no backslash, no empty segment, no segment starting with a dot.
func alreadyCanonical(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%', '\\':
			return false
		case '/':
			if i+1 < len(p) && (p[i+1] == '/' || p[i+1] == '.') {
				return false
			}
		}
	}
	return true
}

// appendSegment appends one escaped path segment in canonical form.
func appendSegment(b []byte, raw string) ([]byte, bool) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\':
			return b, false
		case c != '%':
			b = append(b, c)
			continue
		}
		if i+2 >= len(raw) {
			return b, false
		}
		n, err := strconv.ParseUint(raw[i+1:i+3], 16, 8)
		if err != nil {
			return b, false
		}
		v := byte(n)
		i += 2
		switch {
		case isUnreserved(v):
			b = append(b, v)
		case v == '/' || v == '\\' || v < 0x20 || v == 0x7f:
			return b, false
		default:
			const upperHex = "0123456789ABCDEF"
			b = append(b, '%', upperHex[v>>4], upperHex[v&15])
		}
	}
	return b, true
}

// isDotSegmentWithParams reports a canonical segment that is "." or ".."
// before a ";", raw or encoded (%3B): servlet containers read "..;x" as "..".
func isDotSegmentWithParams(seg []byte) bool {
	end := bytes.IndexByte(seg, ';')
	if i := bytes.Index(seg, []byte("%3B")); i >= 0 && (end < 0 || i < end) {
		end = i
	}
	return end >= 0 && (string(seg[:end]) == "." || string(seg[:end]) == "..")
}

// isUnreserved is RFC 3986's unreserved set: ALPHA / DIGIT / "-" / "." / "_" / "~".
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

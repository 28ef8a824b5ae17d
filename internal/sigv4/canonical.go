package sigv4

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// appendCanonicalRequest appends the SigV4 canonical request for r, the way
// the client built it before sending. segs and pairs are scratch space.
func appendCanonicalRequest(b []byte, s *scratch, r *http.Request, a *authParams, payloadHash []byte, normalizePath bool) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = s.appendCanonicalURI(b, wirePath(r), normalizePath)
	b = append(b, '\n')
	b = s.appendCanonicalQuery(b, r.URL.RawQuery, a.presigned)
	b = append(b, '\n')
	for name := range strings.SplitSeq(a.signedHeadersRaw, ";") {
		b = append(b, name...)
		b = append(b, ':')
		b = appendCanonicalHeaderValue(b, r, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, a.signedHeadersRaw...)
	b = append(b, '\n')
	return append(b, payloadHash...)
}

// wirePath is the path exactly as the client sent it. Clients sign the
// percent-encoded path they put on the wire, and for every service but S3
// that encoded form is encoded again, so a decoded r.URL.Path would lose the
// distinction between "%2F" and "/" and between "%20" and " ".
func wirePath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" { // a request built in-process rather than read from the wire
		if r.URL.Opaque != "" {
			return r.URL.Opaque
		}
		return r.URL.EscapedPath()
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	if !strings.HasPrefix(uri, "/") { // absolute-form: scheme://authority/path
		if i := strings.Index(uri, "://"); i >= 0 {
			rest := uri[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				return rest[j:]
			}
			return "/"
		}
	}
	return uri
}

// appendCanonicalURI encodes each path segment. With normalize it also
// removes "." and ".." segments and empty segments (duplicate slashes), as
// AWS does for every service but S3; a trailing slash is kept.
func (s *scratch) appendCanonicalURI(b []byte, path string, normalize bool) []byte {
	if !normalize {
		if path == "" {
			return append(b, '/')
		}
		return appendURIEncoded(b, path, true)
	}
	stack := s.segs[:0]
	trailingSlash := false
	for seg := range strings.SplitSeq(path, "/") {
		trailingSlash = false
		switch seg {
		case "":
			trailingSlash = true
		case ".":
			trailingSlash = true
		case "..":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			trailingSlash = true
		default:
			stack = append(stack, seg)
		}
	}
	s.segs = stack
	b = append(b, '/')
	for i, seg := range stack {
		if i > 0 {
			b = append(b, '/')
		}
		b = appendURIEncoded(b, seg, false)
	}
	if trailingSlash && len(stack) > 0 {
		b = append(b, '/')
	}
	return b
}

type queryPair struct{ key, value string }

// appendCanonicalQuery decodes the raw query the way form decoders do ("+"
// is a space, as the AWS SDKs' query parsers read it), re-encodes every name
// and value with the SigV4 unreserved set, and sorts by name, then value. A
// presigned request's own signature is not part of what was signed.
func (s *scratch) appendCanonicalQuery(b []byte, rawQuery string, presigned bool) []byte {
	if rawQuery == "" {
		return b
	}
	pairs := s.pairs[:0]
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if presigned && queryUnescape(k) == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, queryPair{canonicalQueryPart(k), canonicalQueryPart(v)})
	}
	s.pairs = pairs
	slices.SortFunc(pairs, func(x, y queryPair) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		return strings.Compare(x.value, y.value)
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return b
}

// canonicalQueryPart is a raw query name or value decoded and encoded
// again as SigV4 encodes it. One already in that form — what SDKs send —
// is its own answer, with nothing decoded, encoded or allocated.
func canonicalQueryPart(raw string) string {
	if isCanonicalEncoding(raw) {
		return raw
	}
	return string(appendURIEncoded(nil, queryUnescape(raw), false))
}

// isCanonicalEncoding says whether s is uriEncode's output for some
// string: unreserved bytes, and %XX in upper-case hex for any other.
func isCanonicalEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			continue
		}
		if c != '%' || i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) || isUnreserved(unhex(s[i+1])<<4|unhex(s[i+2])) {
			return false
		}
		i += 2
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// appendCanonicalHeaderValue appends the signed header's value: every
// occurrence, trimmed and with runs of spaces collapsed, joined by commas in
// the order received. net/http moves Host and (sometimes) Content-Length out
// of the header map, so those come from the request's fields.
func appendCanonicalHeaderValue(b []byte, r *http.Request, name string) []byte {
	switch name {
	case "host":
		if r.Host != "" {
			return append(b, r.Host...)
		}
		return append(b, r.URL.Host...)
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return appendCollapsed(b, v)
		}
		return strconv.AppendInt(b, max(r.ContentLength, 0), 10)
	}
	for i, v := range headerValues(r.Header, name) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCollapsed(b, v)
	}
	return b
}

// hasHeader reports whether a header the client named in SignedHeaders is in
// the request at all.
func hasHeader(r *http.Request, name string) bool {
	switch name {
	case "host":
		return r.Host != "" || r.URL.Host != ""
	case "content-length":
		return r.Header.Get("Content-Length") != "" || r.ContentLength >= 0
	}
	return len(headerValues(r.Header, name)) > 0
}

// headerValues is h.Values(name) for a signed header's lower-case name,
// canonicalized on the stack rather than into a new string per lookup.
// Like textproto, it leaves a name with a byte outside the token set as it is.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) > len(buf) {
		return h.Values(name)
	}
	key := buf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isTokenByte(c) {
			return h[name]
		}
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		key[i] = c
		upper = c == '-'
	}
	return h[string(key)]
}

// isTokenByte is RFC 9110's tchar, the bytes textproto canonicalizes around.
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// appendCollapsed appends v trimmed, with runs of spaces collapsed to one.
func appendCollapsed(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, v[i])
	}
	return b
}

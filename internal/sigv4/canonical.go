package sigv4

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// canonicalRequest builds the SigV4 canonical request for r, the way the
// client built it before sending.
func canonicalRequest(r *http.Request, a *authParams, payloadHash string, normalizePath bool) string {
	var b strings.Builder
	b.Grow(256)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	writeCanonicalURI(&b, wirePath(r), normalizePath)
	b.WriteByte('\n')
	writeCanonicalQuery(&b, r.URL.RawQuery, a.presigned)
	b.WriteByte('\n')
	for _, name := range a.signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(a.signedHeadersRaw)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
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

// writeCanonicalURI encodes each path segment. With normalize it also
// removes "." and ".." segments and empty segments (duplicate slashes), as
// AWS does for every service but S3; a trailing slash is kept.
func writeCanonicalURI(b *strings.Builder, path string, normalize bool) {
	if !normalize {
		if path == "" {
			b.WriteByte('/')
			return
		}
		uriEncode(b, path, true)
		return
	}
	var stack []string
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
	b.WriteByte('/')
	for i, seg := range stack {
		if i > 0 {
			b.WriteByte('/')
		}
		uriEncode(b, seg, false)
	}
	if trailingSlash && len(stack) > 0 {
		b.WriteByte('/')
	}
}

type queryPair struct{ key, value string }

// writeCanonicalQuery decodes the raw query the way form decoders do ("+" is
// a space, as the AWS SDKs' query parsers read it), re-encodes every name and
// value with the SigV4 unreserved set, and sorts by name, then value. A
// presigned request's own signature is not part of what was signed.
func writeCanonicalQuery(b *strings.Builder, rawQuery string, presigned bool) {
	if rawQuery == "" {
		return
	}
	pairs := make([]queryPair, 0, strings.Count(rawQuery, "&")+1)
	var enc strings.Builder
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if presigned && queryUnescape(k) == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, queryPair{canonicalQueryPart(&enc, k), canonicalQueryPart(&enc, v)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].key != pairs[j].key {
			return pairs[i].key < pairs[j].key
		}
		return pairs[i].value < pairs[j].value
	})
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
}

// canonicalQueryPart is a raw query name or value decoded and encoded
// again as SigV4 encodes it. One already in that form — what SDKs send —
// is its own answer, with nothing decoded, encoded or allocated.
func canonicalQueryPart(enc *strings.Builder, raw string) string {
	if isCanonicalEncoding(raw) {
		return raw
	}
	enc.Reset()
	uriEncode(enc, queryUnescape(raw), false)
	return enc.String()
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

// canonicalHeaderValue is the signed header's value: every occurrence,
// trimmed and with runs of spaces collapsed, joined by commas in the order
// received. net/http moves Host and (sometimes) Content-Length out of the
// header map, so those come from the request's fields.
func canonicalHeaderValue(r *http.Request, name string) string {
	switch name {
	case "host":
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return collapseSpaces(v)
		}
		return strconv.FormatInt(max(r.ContentLength, 0), 10)
	}
	values := r.Header.Values(name)
	if len(values) == 1 {
		return collapseSpaces(values[0])
	}
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(collapseSpaces(v))
	}
	return b.String()
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
	return len(r.Header.Values(name)) > 0
}

func collapseSpaces(v string) string {
	v = strings.Trim(v, " \t")
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
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
		b.WriteByte(v[i])
	}
	return b.String()
}

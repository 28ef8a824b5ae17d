package authorizer

import (
	"fmt"
	"net/http"
	"strings"
)

// identitySource is where requests carry their token: one header or one
// query-string parameter.
type identitySource struct {
	header string // canonical header name; "" when the token is in the query
	query  string
}

const defaultIdentitySource = "$request.header.Authorization"

// Identity-source prefixes: HTTP API ($request.…) and REST (method.request.…) spellings.
var (
	headerPrefixes = []string{"$request.header.", "method.request.header."}
	queryPrefixes  = []string{"$request.querystring.", "method.request.querystring."}
)

// parseIdentitySource reads an identity source such as
// $request.header.Authorization or $request.querystring.token.
func parseIdentitySource(s string) (identitySource, error) {
	if s == "" {
		s = defaultIdentitySource
	}
	if strings.Contains(s, ",") {
		return identitySource{}, fmt.Errorf("identitySource %q: a token authorizer reads exactly one identity source", s)
	}
	for _, p := range headerPrefixes {
		if name, ok := strings.CutPrefix(s, p); ok {
			if !validHeaderName(name) {
				return identitySource{}, fmt.Errorf("identitySource %q: %q is not a valid header name", s, name)
			}
			return identitySource{header: http.CanonicalHeaderKey(name)}, nil
		}
	}
	for _, p := range queryPrefixes {
		if name, ok := strings.CutPrefix(s, p); ok && name != "" {
			return identitySource{query: name}, nil
		}
	}
	return identitySource{}, fmt.Errorf("identitySource %q: want $request.header.<name> or $request.querystring.<name>", s)
}

// maxTokenLen is far above any real JWT (Cognito's are 1–2 KB) and stops
// huge inputs before any work is spent on them.
const maxTokenLen = 16 << 10

// token returns the request's token, or "" when it carries none. The value
// may be the bare token or "Bearer <token>", as API Gateway accepts.
func (src identitySource) token(r *http.Request) string {
	var value string
	if src.header != "" {
		value = r.Header.Get(src.header)
	} else {
		value = r.URL.Query().Get(src.query)
	}
	return bearerToken(value)
}

// bearerToken strips an optional "Bearer" scheme (any case, RFC 7235); a
// scheme with no token after it is no token.
func bearerToken(value string) string {
	value = strings.TrimSpace(value)
	const scheme = "bearer"
	if len(value) >= len(scheme) && strings.EqualFold(value[:len(scheme)], scheme) &&
		(len(value) == len(scheme) || value[len(scheme)] == ' ' || value[len(scheme)] == '\t') {
		value = strings.TrimSpace(value[len(scheme):])
	}
	return value
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 §5.6.2).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

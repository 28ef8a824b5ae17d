package lambdaevent

import (
	"mime"
	"strings"
)

// MatchesMediaType reports whether contentType is one of a REST API's
// binaryMediaTypes: exact ("image/png"), a type's wildcard ("image/*") or
// "*/*". Parameters (charset) do not count.
func MatchesMediaType(binaryMediaTypes []string, contentType string) bool {
	if len(binaryMediaTypes) == 0 || contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	kind, _, _ := strings.Cut(mt, "/")
	for _, p := range binaryMediaTypes {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "*/*" || p == mt || p == kind+"/*" {
			return true
		}
	}
	return false
}

// IsText reports whether an HTTP API passes a body of contentType as text;
// others it base64-encodes (HTTP APIs have no binaryMediaTypes).
func IsText(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		strings.HasSuffix(mt, "/json"), strings.HasSuffix(mt, "+json"),
		strings.HasSuffix(mt, "/xml"), strings.HasSuffix(mt, "+xml"),
		mt == "application/javascript", mt == "application/graphql":
		return true
	}
	return false
}

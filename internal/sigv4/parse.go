package sigv4

import (
	"net/http"
	"strings"
	"time"
)

const (
	algorithm     = "AWS4-HMAC-SHA256"
	terminator    = "aws4_request"
	amzDateFormat = "20060102T150405Z"
)

// authParams is what a request says about its own signature, from either
// the Authorization header or the presigned query.
type authParams struct {
	presigned        bool
	accessKeyID      string
	scope            string // date/region/service/terminator
	scopeDate        string
	region           string
	service          string
	terminator       string
	signedHeaders    []string
	signedHeadersRaw string
	signature        string
	amzDate          string // the signing time as YYYYMMDD'T'HHMMSS'Z'
	expires          string // X-Amz-Expires, presigned only; may be empty
	securityToken    string
}

// hasPresignedQuery reports whether the query carries SigV4 query auth.
func hasPresignedQuery(rawQuery string) bool {
	if !strings.Contains(rawQuery, "X-Amz-") {
		return false
	}
	for part := range strings.SplitSeq(rawQuery, "&") {
		k, _, _ := strings.Cut(part, "=")
		switch queryUnescape(k) { // the names alone: values can be long (a session token)
		case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature":
			return true
		}
	}
	return false
}

func forEachQueryPair(rawQuery string, fn func(k, v string)) {
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		fn(queryUnescape(k), queryUnescape(v))
	}
}

// parseAuthorizationHeader reads "AWS4-HMAC-SHA256 Credential=…,
// SignedHeaders=…, Signature=…" and the request's date.
func parseAuthorizationHeader(r *http.Request, authorization string) (*authParams, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	if alg != algorithm {
		if strings.HasPrefix(alg, "AWS4-") && !strings.Contains(alg, "=") {
			return nil, errIncomplete("Unsupported AWS 'algorithm': '%s'.", alg)
		}
		return nil, errMissingEqualSign(authorization)
	}
	a := &authParams{}
	var credential string
	var haveCredential, haveSignedHeaders, haveSignature bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, errIncomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, authorization)
		}
		switch k {
		case "Credential":
			credential, haveCredential = v, true
		case "SignedHeaders":
			a.signedHeadersRaw, haveSignedHeaders = v, true
		case "Signature":
			a.signature, haveSignature = v, true
		}
	}
	if date := r.Header.Get("X-Amz-Date"); date != "" {
		a.amzDate = date
	} else if t, err := http.ParseTime(r.Header.Get("Date")); err == nil {
		a.amzDate = t.UTC().Format(amzDateFormat)
	}
	var missing strings.Builder
	for _, m := range []struct {
		ok  bool
		msg string
	}{
		{haveCredential, "Authorization header requires 'Credential' parameter. "},
		{haveSignature, "Authorization header requires 'Signature' parameter. "},
		{haveSignedHeaders, "Authorization header requires 'SignedHeaders' parameter. "},
		{a.amzDate != "", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "},
	} {
		if !m.ok {
			missing.WriteString(m.msg)
		}
	}
	if missing.Len() > 0 {
		return nil, errIncomplete("%sAuthorization=%s", missing.String(), authorization)
	}
	if err := a.setCredential(credential); err != nil {
		return nil, err
	}
	a.setSignedHeaders()
	a.securityToken = r.Header.Get("X-Amz-Security-Token")
	return a, nil
}

// parsePresignedQuery reads the X-Amz-* query parameters of a presigned URL.
func parsePresignedQuery(rawQuery string) (*authParams, error) {
	a := &authParams{presigned: true}
	var alg, credential string
	seen := map[string]bool{}
	forEachQueryPair(rawQuery, func(k, v string) {
		switch k {
		case "X-Amz-Algorithm":
			alg = v
		case "X-Amz-Credential":
			credential = v
		case "X-Amz-Date":
			a.amzDate = v
		case "X-Amz-SignedHeaders":
			a.signedHeadersRaw = v
		case "X-Amz-Signature":
			a.signature = v
		case "X-Amz-Expires":
			a.expires = v
		case "X-Amz-Security-Token":
			a.securityToken = v
		default:
			return
		}
		seen[k] = true
	})
	for _, required := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"} {
		if !seen[required] {
			return nil, errIncomplete("AWS query-string parameters must include '%s'. Re-examine the query-string parameters.", required)
		}
	}
	if alg != algorithm {
		return nil, errIncomplete("Unsupported AWS 'algorithm': '%s'.", alg)
	}
	if err := a.setCredential(credential); err != nil {
		return nil, err
	}
	a.setSignedHeaders()
	return a, nil
}

func (a *authParams) setCredential(credential string) error {
	parts := strings.Split(credential, "/")
	if len(parts) != 5 {
		return errIncomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", credential)
	}
	a.accessKeyID, a.scopeDate, a.region, a.service, a.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	a.scope = credential[len(parts[0])+1:]
	return nil
}

func (a *authParams) setSignedHeaders() {
	if a.signedHeadersRaw != "" {
		a.signedHeaders = strings.Split(a.signedHeadersRaw, ";")
	}
}

// signedAt parses the signing time.
func (a *authParams) signedAt() (time.Time, error) {
	t, err := time.Parse(amzDateFormat, a.amzDate)
	if err != nil {
		return time.Time{}, errIncomplete("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", a.amzDate)
	}
	return t, nil
}

func (a *authParams) isSigned(name string) bool {
	for _, h := range a.signedHeaders {
		if h == name {
			return true
		}
	}
	return false
}

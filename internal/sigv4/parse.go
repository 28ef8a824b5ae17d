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
	signedHeadersRaw string // "host;x-amz-date" as sent; checkSignedHeaders holds it to lower-case, sorted names
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

// parseAuthorizationHeader reads "AWS4-HMAC-SHA256 Credential=…,
// SignedHeaders=…, Signature=…" and the request's date.
func parseAuthorizationHeader(r *http.Request, authorization string, a *authParams) error {
	alg, rest, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	if alg != algorithm {
		if strings.HasPrefix(alg, "AWS4-") && !strings.Contains(alg, "=") {
			return errIncomplete("Unsupported AWS 'algorithm': '%s'.", alg)
		}
		return errMissingEqualSign(authorization)
	}
	var credential string
	var haveCredential, haveSignedHeaders, haveSignature bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return errIncomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, authorization)
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
		return errIncomplete("%sAuthorization=%s", missing.String(), authorization)
	}
	a.securityToken = r.Header.Get("X-Amz-Security-Token")
	return a.setCredential(credential)
}

// The presigned query parameters a request must carry, as bits.
const (
	seenAlgorithm = 1 << iota
	seenCredential
	seenSignature
	seenDate
	seenSignedHeaders
)

// presignedRequired names each required parameter, in the order missing
// ones are reported.
var presignedRequired = []struct {
	bit  int
	name string
}{
	{seenAlgorithm, "X-Amz-Algorithm"}, {seenCredential, "X-Amz-Credential"}, {seenSignature, "X-Amz-Signature"},
	{seenDate, "X-Amz-Date"}, {seenSignedHeaders, "X-Amz-SignedHeaders"},
}

// parsePresignedQuery reads the X-Amz-* query parameters of a presigned URL.
func parsePresignedQuery(rawQuery string, a *authParams) error {
	a.presigned = true
	var alg, credential string
	seen := 0
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if !strings.Contains(k, "X-Amz-") && !strings.Contains(k, "%") {
			continue // not one of ours, and its value need not be decoded
		}
		switch queryUnescape(k) {
		case "X-Amz-Algorithm":
			alg, seen = queryUnescape(v), seen|seenAlgorithm
		case "X-Amz-Credential":
			credential, seen = queryUnescape(v), seen|seenCredential
		case "X-Amz-Date":
			a.amzDate, seen = queryUnescape(v), seen|seenDate
		case "X-Amz-SignedHeaders":
			a.signedHeadersRaw, seen = queryUnescape(v), seen|seenSignedHeaders
		case "X-Amz-Signature":
			a.signature, seen = queryUnescape(v), seen|seenSignature
		case "X-Amz-Expires":
			a.expires = queryUnescape(v)
		case "X-Amz-Security-Token":
			a.securityToken = queryUnescape(v)
		}
	}
	for _, required := range presignedRequired {
		if seen&required.bit == 0 {
			return errIncomplete("AWS query-string parameters must include '%s'. Re-examine the query-string parameters.", required.name)
		}
	}
	if alg != algorithm {
		return errIncomplete("Unsupported AWS 'algorithm': '%s'.", alg)
	}
	return a.setCredential(credential)
}

func (a *authParams) setCredential(credential string) error {
	var parts [5]string
	rest := credential
	for i := range parts {
		var ok bool
		parts[i], rest, ok = strings.Cut(rest, "/")
		if ok != (i < len(parts)-1) {
			return errIncomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", credential)
		}
	}
	a.accessKeyID, a.scopeDate, a.region, a.service, a.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	a.scope = credential[len(parts[0])+1:]
	return nil
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
	for h := range strings.SplitSeq(a.signedHeadersRaw, ";") {
		if h == name {
			return true
		}
	}
	return false
}

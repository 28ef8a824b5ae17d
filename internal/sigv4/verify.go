// Package sigv4 authenticates requests signed with AWS Signature Version 4,
// in the Authorization header or as a presigned URL, the way AWS services do
// on the server side.
package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// Credential is what a key id resolves to.
type Credential struct {
	SecretAccessKey string
	// SessionToken is non-empty for temporary credentials: the request must
	// then carry it in X-Amz-Security-Token.
	SessionToken string
}

// Verifier checks SigV4 signatures for one service name (e.g.
// "cognito-idp", "execute-api") and region. It is safe for concurrent use.
type Verifier struct {
	Service string
	Region  string
	// Lookup resolves an access key id, given the session token the
	// request carries ("" for none); ok=false means unknown key.
	Lookup func(ctx context.Context, accessKeyID, sessionToken string) (cred Credential, ok bool, err error)
	// MaxSkew is how far the signing time may be from now; 0 means 5 minutes.
	MaxSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RawPath keeps "." and ".." segments and duplicate slashes in the
	// canonical path, as S3 signs it. Every other AWS service, and so every
	// moat API, normalizes the path, which is the default.
	RawPath bool
	// AllowUnsignedPayload accepts X-Amz-Content-Sha256: UNSIGNED-PAYLOAD,
	// i.e. a signature that does not cover the body.
	AllowUnsignedPayload bool
}

// Result describes an authenticated request.
type Result struct {
	AccessKeyID   string
	SessionToken  string
	Region        string
	Service       string
	SignedAt      time.Time
	signedHeaders string
}

// Signs reports whether the signature covers the header name (any case).
func (r *Result) Signs(header string) bool {
	for name := range strings.SplitSeq(r.signedHeaders, ";") {
		if strings.EqualFold(name, header) {
			return true
		}
	}
	return false
}

const (
	defaultMaxSkew    = 5 * time.Minute
	maxPresignExpires = 604800 // seconds: one week, as AWS allows
	unsignedPayload   = "UNSIGNED-PAYLOAD"
)

// Verify authenticates r whose full body is body (already read by the
// caller; nil for none). Failures are *awserr.Error values with AWS's codes
// and messages and Status left 0; a failing Lookup comes back wrapped in
// awserr.Internal.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	var a authParams
	if err := readAuth(r, &a); err != nil {
		return nil, err
	}
	signedAt, err := a.signedAt()
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(&a); err != nil {
		return nil, err
	}
	if err := checkSignedHeaders(r, &a); err != nil {
		return nil, err
	}
	if err := v.checkTime(&a, signedAt); err != nil {
		return nil, err
	}
	if v.Lookup == nil {
		return nil, awserr.Internal(errors.New("sigv4: Verifier.Lookup is nil"))
	}
	cred, ok, err := v.Lookup(ctx, a.accessKeyID, a.securityToken)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if !ok || !equalConstantTime(cred.SessionToken, a.securityToken) {
		return nil, errUnrecognizedClient()
	}
	s := getScratch()
	defer s.release()
	creq, err := v.canonicalize(s, r, &a, body)
	if err != nil {
		return nil, err
	}
	if !equalConstantTime(s.signature(cred.SecretAccessKey, &a, creq), a.signature) {
		return nil, errSignatureMismatch()
	}
	return &Result{
		AccessKeyID:   a.accessKeyID,
		SessionToken:  a.securityToken,
		Region:        a.region,
		Service:       a.service,
		SignedAt:      signedAt,
		signedHeaders: a.signedHeadersRaw,
	}, nil
}

// readAuth finds the request's one authentication mechanism and parses it
// into a.
func readAuth(r *http.Request, a *authParams) error {
	if r == nil || r.URL == nil {
		return errMissingAuthentication()
	}
	authorization := r.Header.Get("Authorization")
	presigned := hasPresignedQuery(r.URL.RawQuery)
	switch {
	case authorization != "" && presigned:
		return errIncomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case authorization != "":
		return parseAuthorizationHeader(r, authorization, a)
	case presigned:
		return parsePresignedQuery(r.URL.RawQuery, a)
	}
	return errMissingAuthentication()
}

func (v *Verifier) checkScope(a *authParams) error {
	switch {
	case a.terminator != terminator:
		return errInvalidSignature("Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, a.terminator)
	case a.scopeDate != a.amzDate[:8]:
		return errInvalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.scopeDate, a.amzDate[:8], a.amzDate)
	case a.region != v.Region:
		return errInvalidSignature("Credential should be scoped to a valid region, not '%s'. ", a.region)
	case a.service != v.Service:
		return errInvalidSignature("Credential should be scoped to correct service: '%s'. ", v.Service)
	}
	return nil
}

// checkSignedHeaders requires the SigV4 form of SignedHeaders (lower-case
// names, sorted, each once: one canonical request per signature), the
// headers that bind a signature to its target and time, and that every
// header named as signed is present.
func checkSignedHeaders(r *http.Request, a *authParams) error {
	if !canonicalHeaderList(a.signedHeadersRaw) {
		return errIncomplete("SignedHeaders must name lower-case headers in sorted order, each once, separated by ';'. Got '%s'.", a.signedHeadersRaw)
	}
	if !a.isSigned("host") {
		return errIncomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !a.presigned {
		if r.Header.Get("X-Amz-Date") != "" {
			if !a.isSigned("x-amz-date") {
				return errIncomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
			}
		} else if !a.isSigned("date") {
			return errIncomplete("'Date' must be a 'SignedHeader' in the AWS Authorization.")
		}
	}
	for name := range strings.SplitSeq(a.signedHeadersRaw, ";") {
		if !hasHeader(r, name) {
			return errIncomplete("'%s' is named as a SignedHeader, but it does not exist in the HTTP request.", name)
		}
	}
	return nil
}

// canonicalHeaderList reports whether list is a SigV4 SignedHeaders value:
// non-empty names of lower-case token characters in strictly ascending order.
func canonicalHeaderList(list string) bool {
	previous := ""
	for name := range strings.SplitSeq(list, ";") {
		if name == "" || name <= previous {
			return false
		}
		for i := 0; i < len(name); i++ {
			if c := name[i]; 'A' <= c && c <= 'Z' || c <= ' ' || c >= 0x7f || c == ':' {
				return false
			}
		}
		previous = name
	}
	return true
}

// checkTime rejects signatures from too far in the past or future; a
// presigned URL with X-Amz-Expires is good for that long instead of MaxSkew.
func (v *Verifier) checkTime(a *authParams, signedAt time.Time) error {
	skew := v.MaxSkew
	if skew <= 0 {
		skew = defaultMaxSkew
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	now = now.UTC().Truncate(time.Second)
	if signedAt.Sub(now) > skew {
		return errNotYetCurrent(signedAt, now, skew)
	}
	lifetime := skew
	if a.presigned && a.expires != "" {
		seconds, err := parseExpires(a.expires)
		if err != nil {
			return err
		}
		lifetime = time.Duration(seconds) * time.Second
	}
	if now.Sub(signedAt) > lifetime {
		return errExpired(signedAt, now, lifetime)
	}
	return nil
}

func parseExpires(s string) (int, error) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > maxPresignExpires {
			n = -1
			break
		}
		n = n*10 + int(s[i]-'0')
	}
	if n < 1 || n > maxPresignExpires {
		return 0, errIncomplete("X-Amz-Expires must be a whole number of seconds from 1 to %d, got '%s'.", maxPresignExpires, s)
	}
	return n, nil
}

// canonicalize checks the body against X-Amz-Content-Sha256 when present
// and returns the canonical request, built in s.buf.
func (v *Verifier) canonicalize(s *scratch, r *http.Request, a *authParams, body []byte) ([]byte, error) {
	claimed := r.Header.Get("X-Amz-Content-Sha256")
	var payloadHash []byte
	var computed [2 * sha256.Size]byte
	if claimed == unsignedPayload && v.AllowUnsignedPayload {
		payloadHash = []byte(unsignedPayload)
	} else {
		sum := sha256.Sum256(body)
		hex.Encode(computed[:], sum[:])
		payloadHash = computed[:]
		if claimed != "" && claimed != string(payloadHash) {
			return nil, errContentSHA256Mismatch()
		}
	}
	s.buf = appendCanonicalRequest(s.buf[:0], s, r, a, payloadHash, !v.RawPath)
	return s.buf, nil
}

// signature is the lower-case hex signature the client should have sent,
// in s (whose buf it overwrites with the string to sign).
func (s *scratch) signature(secret string, a *authParams, canonicalRequest []byte) []byte {
	key := signingKey(signingKeyID{secret: secret, date: a.scopeDate, region: a.region, service: a.service})
	s.buf = s.appendStringToSign(s.buf[:0], a, canonicalRequest)
	return s.hexHMAC(&key, s.buf)
}

package iamapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/awsapi"
)

// Authenticators admit requests signed for IAM's global region, as every
// AWS client signs them, or for moat's own region, as a client configured
// for it and pointed at moat may.
type Authenticators struct {
	Global   awsapi.Authenticator // checks signatures scoped to GlobalRegion
	Regional awsapi.Authenticator // checks signatures scoped to moat's region; nil when that is GlobalRegion
}

// Authenticate checks r with the authenticator for the region its signature names.
func (a Authenticators) Authenticate(ctx context.Context, r *http.Request, body []byte, signingName string) error {
	if a.Regional != nil && scopeRegion(r) != GlobalRegion {
		return a.Regional.Authenticate(ctx, r, body, signingName)
	}
	return a.Global.Authenticate(ctx, r, body, signingName)
}

// scopeRegion reads the region from the signature's credential scope
// ("AKID/20240101/us-east-1/iam/aws4_request"), "" when there is none; the
// verifier checks the whole scope afterwards.
func scopeRegion(r *http.Request) string {
	credential := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, after, _ := strings.Cut(auth, "Credential=")
		credential, _, _ = strings.Cut(after, ",")
	}
	parts := strings.Split(credential, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

package authorizer

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// BenchmarkIAMAuthorize is a signed GET by a session already seen: the
// token is opened from cache, the signing key is cached, and the role's
// policies come from memory, as from the roles service's cache.
func BenchmarkIAMAuthorize(b *testing.B) {
	f := newIAMFixture(b)
	f.role(b, "Users", usersPolicy)
	f.authz.policies = cachedPolicies(b, f)
	req := signed(b, awsCreds(f.issue(b, identityA, "Users", true)), "GET", "users/"+identityA, nil, time.Now())
	benchmarkAuthorize(b, f, req)
}

// BenchmarkIAMAuthorizePresigned is the same call signed in the query
// string (X-Amz-Security-Token and all), as the gateway bench replays it.
func BenchmarkIAMAuthorizePresigned(b *testing.B) {
	f := newIAMFixture(b)
	f.role(b, "Users", usersPolicy)
	f.authz.policies = cachedPolicies(b, f)
	benchmarkAuthorize(b, f, presigned(b, awsCreds(f.issue(b, identityA, "Users", true)), "GET", "users/"+identityA, time.Now()))
}

func benchmarkAuthorize(b *testing.B, f *iamFixture, req *gateway.Request) {
	req.HTTP.Body = http.NoBody
	ctx := context.Background()
	if _, err := f.authz.Authorize(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.authz.Authorize(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

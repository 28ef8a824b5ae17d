package authorizer

import (
	"context"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/gateway"
)

var benchAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// BenchmarkJWTCached is the hot path: a token seen before, a route with a scope.
func BenchmarkJWTCached(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(string(alg), func(b *testing.B) {
			ti := newTestIssuer(b)
			a, _ := newJWTAuthorizer(b, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api"}})
			benchmarkCached(b, a, request(sign(b, ti.key(b, alg), ti.claims(nil)), "write"))
		})
	}
}

// BenchmarkJWTCold is a token's first request: parse, signature, claims.
func BenchmarkJWTCold(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(string(alg), func(b *testing.B) {
			ti := newTestIssuer(b)
			a, _ := newJWTAuthorizer(b, gateway.IssuerConfig{Issuer: ti.url(), Audience: []string{"api"}})
			token := sign(b, ti.key(b, alg), ti.claims(nil))
			ctx := context.Background()
			authorize(b, a, request(token)) // keys fetched
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := a.verify(ctx, token, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUserPoolCached is the user-pool hot path: token and session both
// answered from memory.
func BenchmarkUserPoolCached(b *testing.B) {
	p := newPools(b)
	pool := p.create(b, "bench")
	a, _ := p.authorizer(b, pool.id)
	benchmarkCached(b, a, request(p.signIn(b, pool).AccessToken, "aws.cognito.signin.user.admin"))
}

// benchmarkCached times a's answers to req after a first one has filled
// its caches.
func benchmarkCached(b *testing.B, a gateway.Authorizer, req *gateway.Request) {
	ctx := context.Background()
	authorize(b, a, req)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authorize(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

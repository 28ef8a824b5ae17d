package tokens

import (
	"context"
	"testing"
	"time"
)

func benchService(b *testing.B) (*Service, string) {
	clock := newTestClock()
	s := clock.serviceOn(openStore(b, "us-east-1_pool"))
	return s, mustSign(b, s, "us-east-1_pool", UseAccess, accessClaims(clock.in(time.Hour)))
}

func BenchmarkSign(b *testing.B) {
	s, _ := benchService(b)
	ctx, claims := context.Background(), accessClaims(time.Now().Add(time.Hour).Unix())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(ctx, "us-east-1_pool", UseAccess, claims); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCold(b *testing.B) {
	s, tok := benchService(b)
	ctx, now := context.Background(), s.now().Unix()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.verifyUncached(ctx, tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	s, tok := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

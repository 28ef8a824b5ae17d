package roles

import "testing"

// BenchmarkPolicies is the SigV4 authorizer's per-request question, answered
// from the cache.
func BenchmarkPolicies(b *testing.B) {
	s, err := New(openStore(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := s.CreateRole(ctx, RoleInput{Name: "r", AssumeRolePolicy: cognitoTrust})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.PutRolePolicy(ctx, "r", "invoke", invokePolicy); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ps, err := s.Policies(ctx, r.ARN); err != nil || len(ps) != 1 {
				b.Fatalf("Policies: %v, %v", ps, err)
			}
		}
	})
}

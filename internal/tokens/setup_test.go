package tokens

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

const testURL = "http://127.0.0.1:9229"

// testClock is a settable clock for Service.now.
type testClock struct{ unixNano atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.unixNano.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}

func (c *testClock) now() time.Time           { return time.Unix(0, c.unixNano.Load()) }
func (c *testClock) advance(d time.Duration)  { c.unixNano.Add(int64(d)) }
func (c *testClock) unix() int64              { return c.now().Unix() }
func (c *testClock) in(d time.Duration) int64 { return c.now().Add(d).Unix() }
func (c *testClock) serviceOn(st store.Store) *Service {
	s := NewService(st, testURL)
	s.now = c.now
	return s
}

// openStore opens a fresh SQLite store holding the named pools.
func openStore(t testing.TB, pools ...string) store.Store {
	t.Helper()
	st := sqlstoretest.Open(t)
	for _, id := range pools {
		createPool(t, st, id)
	}
	return st
}

func createPool(t testing.TB, st store.Store, id string) {
	t.Helper()
	if err := st.CreateUserPool(context.Background(), store.UserPool{ID: id, Name: id, Settings: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
}

// accessClaims and idClaims are what the user-pool domain puts in its tokens.
func accessClaims(exp int64) map[string]any {
	return map[string]any{
		"sub":            "5f6c1e2a-1111-2222-3333-444455556666",
		"cognito:groups": []string{"admins", "dev"},
		"scope":          "aws.cognito.signin.user.admin openid",
		"auth_time":      exp - 3600,
		"iat":            exp - 3600,
		"exp":            exp,
		"jti":            "access-jti",
		"origin_jti":     "origin-1",
		"client_id":      "client-a",
		"username":       "alice",
	}
}

func idClaims(exp int64) map[string]any {
	return map[string]any{
		"sub":              "5f6c1e2a-1111-2222-3333-444455556666",
		"aud":              "client-a",
		"email_verified":   true,
		"cognito:username": "alice",
		"auth_time":        exp - 3600,
		"iat":              exp - 3600,
		"exp":              exp,
		"jti":              "id-jti",
		"origin_jti":       "origin-1",
		"custom:team":      "blue",
	}
}

func mustSign(t testing.TB, s *Service, poolID, use string, claims map[string]any) string {
	t.Helper()
	tok, err := s.Sign(context.Background(), poolID, use, claims)
	if err != nil {
		t.Fatalf("sign %s token: %v", use, err)
	}
	return tok
}

package waf

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/testenv"
)

// redisReplicas are n counters on separate connections sharing one
// prefix: what n moat processes sharing a Redis see.
func redisReplicas(t *testing.T, n int) []RateCounter {
	prefix := "moat-test-waf:" + testenv.RandomHex(6) + ":"
	var out []RateCounter
	for range n {
		out = append(out, NewRedisCounter(testenv.NewRedisClient(t, prefix), prefix))
	}
	return out
}

// t0 starts a bucket, so offsets below land in known buckets.
var t0 = time.Unix(1_800_000_000, 0)

func TestCountersSlideOverTheirWindow(t *testing.T) {
	for name, newCounter := range map[string]func(t *testing.T) RateCounter{
		"Memory": func(*testing.T) RateCounter { return NewMemoryCounter(100) },
		"Redis":  func(t *testing.T) RateCounter { return redisReplicas(t, 1)[0] },
	} {
		t.Run(name, func(t *testing.T) {
			c := newCounter(t)
			add := func(key string, at time.Duration) int64 {
				n, err := c.Add(context.Background(), key, time.Minute, t0.Add(at))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for i := int64(1); i <= 11; i++ {
				if n := add("a", time.Duration(i)*time.Second); n != i {
					t.Fatalf("request %d counted as %d", i, n)
				}
			}
			if n := add("b", 12*time.Second); n != 1 {
				t.Fatalf("another key starts at 1, got %d", n)
			}
			// 50 s later the first bucket (t0…t0+10s: 9 requests) is still
			// in the 60 s window; at 60 s it has slid out, leaving the two
			// requests made at 10 s and 11 s.
			if n := add("a", 59*time.Second); n != 12 {
				t.Fatalf("at 59 s: %d, want 12", n)
			}
			if n := add("a", 61*time.Second); n != 4 {
				t.Fatalf("at 61 s: %d, want 4 (10 s, 11 s, 59 s and this one)", n)
			}
			if n := add("a", 10*time.Minute); n != 1 {
				t.Fatalf("long after: %d, want 1", n)
			}
		})
	}
}

func TestMemoryCounterStaysBounded(t *testing.T) {
	c := NewMemoryCounter(10)
	for i := range 100 {
		if _, err := c.Add(context.Background(), fmt.Sprint(i), time.Minute, t0); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.keys); n > 10 {
		t.Fatalf("%d keys held, limit 10", n)
	}
}

func rateACL(stmt string) string {
	return aclWithRules(`{"Name":"rate","Priority":0,"Statement":{"RateBasedStatement":` + stmt + `},"Action":{"Block":{}},` + vis("rate") + `}`)
}

// fakeClock is a settable clock for engines under test.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestRateRuleBlocksTheEleventhRequestOfOneAddress(t *testing.T) {
	clock := &fakeClock{t0}
	e := newTestEngine(t, Config{Now: clock.now})
	acl := mustCompile(t, e, rateACL(`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"IP"}`), Sets{})
	for i := 1; i <= 10; i++ {
		if d := decide(t, acl, get("127.0.0.5", "/")); d.Blocked() {
			t.Fatalf("request %d blocked", i)
		}
	}
	if d := decide(t, acl, get("127.0.0.5", "/")); !d.Blocked() || d.TerminatingRule != "rate" {
		t.Fatalf("11th request: %+v, want blocked by rate", d)
	}
	if d := decide(t, acl, get("127.0.0.6", "/")); d.Blocked() {
		t.Fatal("another address was blocked")
	}
	clock.t = t0.Add(2 * time.Minute)
	if d := decide(t, acl, get("127.0.0.5", "/")); d.Blocked() {
		t.Fatal("still blocked after the window passed")
	}
}

func TestRateLimitHoldsAcrossReplicasOnRedis(t *testing.T) {
	counters := redisReplicas(t, 2)
	var replicas []*ACL
	for _, c := range counters {
		e := newTestEngine(t, Config{Counter: c})
		replicas = append(replicas, mustCompile(t, e, rateACL(`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"IP"}`), Sets{}))
	}
	for i := 1; i <= 10; i++ {
		if d := decide(t, replicas[i%2], get("127.0.0.7", "/")); d.Blocked() {
			t.Fatalf("request %d (replica %d) blocked", i, i%2)
		}
	}
	for i, acl := range replicas {
		if d := decide(t, acl, get("127.0.0.7", "/")); !d.Blocked() {
			t.Fatalf("replica %d let request %d through", i, 11+i)
		}
	}
	if d := decide(t, replicas[0], get("127.0.0.8", "/")); d.Blocked() {
		t.Fatal("another address was blocked")
	}
}

func TestRateRuleKeysAndScopeDown(t *testing.T) {
	onlyLogin := `"ScopeDownStatement":` + byteMatchDoc("/login", `{"UriPath":{}}`, "EXACTLY")
	cases := []struct {
		name  string
		stmt  string
		first func(i int) *Request // requests 1..10 are allowed, 11 is judged
		last  *Request
		block bool
	}{
		{"scope-down counts only what it admits",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"IP",` + onlyLogin + `}`,
			func(int) *Request { return get("192.0.2.1", "/other") }, get("192.0.2.1", "/login"), false},
		{"scope-down: the 11th login is blocked",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"IP",` + onlyLogin + `}`,
			func(int) *Request { return get("192.0.2.1", "/login") }, get("192.0.2.1", "/login"), true},
		{"forwarded IP",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"FORWARDED_IP","ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"NO_MATCH"}}`,
			func(i int) *Request { return get(fmt.Sprintf("10.0.0.%d", i), "/", "X-Forwarded-For", "203.0.113.9") },
			get("10.0.0.99", "/", "X-Forwarded-For", "203.0.113.9, 10.0.0.1"), true},
		{"forwarded IP absent is not counted",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"FORWARDED_IP","ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"MATCH"}}`,
			func(int) *Request { return get("10.0.0.1", "/") }, get("10.0.0.1", "/"), false},
		{"custom key: header, transformed",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"Header":{"Name":"X-Tenant","TextTransformations":[{"Priority":0,"Type":"LOWERCASE"}]}}]}`,
			func(i int) *Request {
				return get(fmt.Sprintf("10.0.1.%d", i), "/", "X-Tenant", []string{"ACME", "acme"}[i%2])
			},
			get("10.0.1.200", "/", "X-Tenant", "Acme"), true},
		{"custom key: a missing header is not counted",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"Header":{"Name":"X-Tenant","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}]}`,
			func(int) *Request { return get("10.0.1.1", "/") }, get("10.0.1.1", "/"), false},
		{"custom keys: IP and query argument together",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"CUSTOM_KEYS","CustomKeys":[{"IP":{}},{"QueryArgument":{"Name":"user","TextTransformations":[{"Priority":0,"Type":"NONE"}]}}]}`,
			func(int) *Request { return get("10.0.2.1", "/?user=alice") }, get("10.0.2.1", "/?user=bob"), false},
		{"constant key",
			`{"Limit":10,"EvaluationWindowSec":60,"AggregateKeyType":"CONSTANT",` + onlyLogin + `}`,
			func(i int) *Request { return get(fmt.Sprintf("10.0.3.%d", i), "/login") }, get("10.0.3.200", "/login"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEngine(t, Config{Now: (&fakeClock{t0}).now})
			acl := mustCompile(t, e, rateACL(c.stmt), Sets{})
			for i := 1; i <= 10; i++ {
				if d := decide(t, acl, c.first(i)); d.Blocked() {
					t.Fatalf("request %d blocked", i)
				}
			}
			if d := decide(t, acl, c.last); d.Blocked() != c.block {
				t.Fatalf("11th request blocked %v, want %v", d.Blocked(), c.block)
			}
		})
	}
}

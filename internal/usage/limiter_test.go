package usage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/testenv"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// limiterUnderTest is a limiter and the way its time passes.
type limiterUnderTest struct {
	name  string
	new   func(t *testing.T) Limiter
	sleep func(d time.Duration) // passes time for the limiter; set by new
}

func newTestRedisLimiter(t *testing.T) *RedisLimiter {
	prefix := "moat-test:" + testenv.RandomHex(6) + ":"
	return NewRedisLimiter(testenv.NewRedisClient(t, prefix), prefix)
}

func limitersUnderTest() []*limiterUnderTest {
	memory := &limiterUnderTest{name: "Memory"}
	memory.new = func(t *testing.T) Limiter {
		clock := newFakeClock()
		memory.sleep = clock.Advance
		return NewMemoryLimiter(1000, clock.Now)
	}
	rds := &limiterUnderTest{name: "Redis", sleep: time.Sleep}
	rds.new = func(t *testing.T) Limiter { return newTestRedisLimiter(t) }
	return []*limiterUnderTest{memory, rds}
}

func allowN(t *testing.T, l Limiter, key string, n int, rate float64, burst int) (allowed int, last Decision) {
	t.Helper()
	for range n {
		d, err := l.Allow(context.Background(), key, rate, burst)
		if err != nil {
			t.Fatalf("Allow: %v", err)
		}
		if d.Allowed {
			allowed++
		}
		last = d
	}
	return allowed, last
}

// TestLimiterSemantics runs one table against every implementation: they
// must decide alike.
func TestLimiterSemantics(t *testing.T) {
	for _, lt := range limitersUnderTest() {
		t.Run(lt.name, func(t *testing.T) {
			t.Run("BurstThenRefuse", func(t *testing.T) {
				l := lt.new(t)
				allowed, last := allowN(t, l, "k", 20, 1, 5)
				if allowed != 5 {
					t.Fatalf("burst 5: %d of 20 immediate requests allowed, want 5", allowed)
				}
				if last.Allowed || last.RetryAfter <= 0 || last.RetryAfter > time.Second {
					t.Fatalf("refusal = %+v, want RetryAfter in (0, 1s]", last)
				}
			})
			t.Run("ZeroLimitsBlock", func(t *testing.T) {
				l := lt.new(t)
				for _, c := range []struct {
					rate  float64
					burst int
				}{{10, 0}, {0, 10}, {-1, 10}, {0, 0}} {
					if allowed, last := allowN(t, l, "k", 3, c.rate, c.burst); allowed != 0 || last.RetryAfter != 0 {
						t.Fatalf("rate %v burst %d: %d allowed, last %+v; want none, RetryAfter 0", c.rate, c.burst, allowed, last)
					}
				}
			})
			t.Run("KeysAreSeparate", func(t *testing.T) {
				l := lt.new(t)
				a, _ := allowN(t, l, "a", 3, 1, 1)
				b, _ := allowN(t, l, "b", 3, 1, 1)
				if a != 1 || b != 1 {
					t.Fatalf("burst 1 on two keys: %d and %d allowed, want 1 each", a, b)
				}
			})
			t.Run("Refill", func(t *testing.T) {
				l := lt.new(t)
				if allowed, _ := allowN(t, l, "k", 3, 10, 2); allowed != 2 {
					t.Fatalf("burst 2: %d allowed, want 2", allowed)
				}
				lt.sleep(150 * time.Millisecond) // 1.5 tokens at 10/s
				if allowed, _ := allowN(t, l, "k", 3, 10, 2); allowed != 1 {
					t.Fatalf("after 150 ms at 10/s: %d allowed, want 1", allowed)
				}
			})
			t.Run("FractionalRate", func(t *testing.T) {
				l := lt.new(t)
				allowed, last := allowN(t, l, "k", 2, 0.5, 1)
				if allowed != 1 || last.RetryAfter < 1900*time.Millisecond || last.RetryAfter > 2*time.Second {
					t.Fatalf("0.5/s burst 1: %d allowed, refusal %+v; want 1 and RetryAfter ≈ 2s", allowed, last)
				}
			})
		})
	}
}

// overload sends requests evenly at 3× rate for d through sleep and
// returns how many were allowed and how long the run really took.
// It also returns when each request was made: the middle of its round trip.
func overload(t *testing.T, ls []Limiter, key string, rate float64, burst int, d time.Duration, now func() time.Time, sleepUntil func(time.Time)) (allowed int, elapsed time.Duration, made []time.Time) {
	t.Helper()
	step := time.Duration(float64(time.Second) / (3 * rate))
	start := now()
	for i := 0; time.Duration(i)*step <= d; i++ {
		sleepUntil(start.Add(time.Duration(i) * step))
		sent := now()
		n, _ := allowN(t, ls[i%len(ls)], key, 1, rate, burst)
		made = append(made, sent.Add(now().Sub(sent)/2))
		allowed += n
	}
	return allowed, now().Sub(start), made
}

func within5Percent(t *testing.T, allowed int, rate float64, burst int, elapsed time.Duration) {
	t.Helper()
	want := float64(burst) + rate*elapsed.Seconds()
	if diff := float64(allowed) - want; diff > 0.05*want || diff < -0.05*want {
		t.Fatalf("over %v at 3× %v/s, burst %d: %d allowed, want %.0f ± 5%%", elapsed, rate, burst, allowed, want)
	}
	t.Logf("over %v at 3× %v/s, burst %d: %d allowed, want %.0f", elapsed, rate, burst, allowed, want)
}

// TestMemoryLimiterAccuracy is the acceptance line on a clock the
// test moves: a 10 s steady overload lets burst + rate×10 through, within 5%.
func TestMemoryLimiterAccuracy(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	l := NewMemoryLimiter(10, clock.Now)
	allowed, elapsed, _ := overload(t, []Limiter{l}, "k", 100, 50, 10*time.Second, clock.Now, func(at time.Time) { clock.Advance(at.Sub(clock.Now())) })
	within5Percent(t, allowed, 100, 50, elapsed)
}

func sleepUntil(at time.Time) { time.Sleep(time.Until(at)) }

// likeTheExactBucket holds a limiter running in real time to the bucket
// TestMemoryLimiterAccuracy proves exact: fed the same requests at the same
// times, the two admit as many, within 5%. Comparing with what the requests
// really were, not with burst + rate × time, keeps the check true when a
// busy machine (or the race detector) stalls the test or slows its
// requests below the rate.
func likeTheExactBucket(t *testing.T, allowed int, made []time.Time, rate float64, burst int, elapsed time.Duration) {
	t.Helper()
	var now time.Time
	exact := NewMemoryLimiter(1, func() time.Time { return now })
	want := 0
	for _, at := range made {
		now = at
		if d, _ := exact.Allow(context.Background(), "k", rate, burst); d.Allowed {
			want++
		}
	}
	offered := float64(len(made)) / elapsed.Seconds()
	if diff := float64(allowed - want); diff > 0.05*float64(want) || diff < -0.05*float64(want) {
		t.Fatalf("%d requests over %v (%.0f/s against %v/s, burst %d): %d allowed, the exact bucket allows %d ± 5%%", len(made), elapsed, offered, rate, burst, allowed, want)
	}
	t.Logf("%d requests over %v (%.0f/s against %v/s, burst %d): %d allowed, the exact bucket allows %d; burst + rate × time is %.0f",
		len(made), elapsed, offered, rate, burst, allowed, want, float64(burst)+rate*elapsed.Seconds())
}

// TestRedisLimiterAccuracy: on Redis's clock, in real time, the Redis
// limiter admits what the exact bucket admits, over 2 s of overload at
// 500/s (1000 tokens refilled, as many as the acceptance line's 10 s at
// 100/s: what a drifting bucket gets wrong grows with the tokens).
func TestRedisLimiterAccuracy(t *testing.T) {
	t.Parallel()
	l := newTestRedisLimiter(t)
	allowed, elapsed, made := overload(t, []Limiter{l}, "k", 500, 250, 2*time.Second, time.Now, sleepUntil)
	likeTheExactBucket(t, allowed, made, 500, 250, elapsed)
}

// TestRedisLimiterShared: two limiters on their own connections (two moat
// processes) sharing one Redis keep one limit between them.
func TestRedisLimiterShared(t *testing.T) {
	t.Parallel()
	prefix := "moat-test:" + testenv.RandomHex(6) + ":"
	a := NewRedisLimiter(testenv.NewRedisClient(t, prefix), prefix)
	b := NewRedisLimiter(testenv.NewRedisClient(t, prefix), prefix)
	allowed, elapsed, made := overload(t, []Limiter{a, b}, "plan", 250, 50, 2*time.Second, time.Now, sleepUntil)
	likeTheExactBucket(t, allowed, made, 250, 50, elapsed)
}

func TestMemoryLimiterBounded(t *testing.T) {
	clock := newFakeClock()
	l := NewMemoryLimiter(100, clock.Now)
	for i := range 1000 {
		allowN(t, l, fmt.Sprint("k", i), 1, 1, 5)
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("%d buckets held, want at most 100", n)
	}
	// Full buckets carry no state, so they go first: a drained bucket
	// survives any number of newcomers that refill before the next arrives.
	allowN(t, l, "drained", 2, 0.001, 1)
	for i := range 300 {
		clock.Advance(2 * time.Second)
		allowN(t, l, fmt.Sprint("late", i), 1, 1, 1)
	}
	if allowed, _ := allowN(t, l, "drained", 1, 0.001, 1); allowed != 0 {
		t.Fatal("a drained bucket was evicted while full buckets were held")
	}
}

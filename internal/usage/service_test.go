package usage

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func openStore(t testing.TB, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type fixture struct {
	svc   *Service
	st    store.Store
	clock *fakeClock
	key   store.APIKey
	value string
	reg   *prometheus.Registry
}

// newFixture makes a key in a plan on api1:prod with the given throttle and quota.
func newFixture(t testing.TB, st store.Store, clock *fakeClock, throttle *store.Throttle, quota *store.Quota) fixture {
	t.Helper()
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	svc, err := New(Config{Store: st, Limiter: NewMemoryLimiter(1000, clock.Now), Secret: testSecret, Registerer: reg, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	k, value, err := svc.CreateAPIKey(ctx, NewAPIKey{Name: "k", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	p := store.UsagePlan{ID: "plan1", Throttle: throttle, Quota: quota, CreatedAt: clock.Now().Add(-30 * 24 * time.Hour).Unix(),
		Stages: []store.UsagePlanStage{{APIID: "api1", Stage: "prod", MethodThrottles: map[string]store.Throttle{"/slow/GET": {RateLimit: 1, BurstLimit: 1}}}}}
	if err := st.CreateUsagePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUsagePlanKey(ctx, p.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	svc.Invalidate()
	return fixture{svc: svc, st: st, clock: clock, key: k, value: value, reg: reg}
}

func (f fixture) check(t testing.TB, path, value string) (Result, *Error) {
	t.Helper()
	res, err := f.svc.Check(context.Background(), Request{APIID: "api1", Stage: "prod", Method: "GET", ResourcePath: path, APIKey: value, KeyRequired: true})
	var ue *Error
	if err != nil && !errors.As(err, &ue) {
		t.Fatalf("Check: %v", err)
	}
	return res, ue
}

func wantKind(t *testing.T, ue *Error, kind Kind, what string) {
	t.Helper()
	if kind == "" && ue != nil || kind != "" && (ue == nil || ue.Kind != kind) {
		t.Fatalf("%s: got %v, want %q", what, ue, kind)
	}
}

func TestCheckAPIKeys(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "moat.db"))
	defer st.Close()
	f := newFixture(t, st, newFakeClock(), nil, nil)
	ctx := context.Background()

	res, ue := f.check(t, "/pets", f.value)
	wantKind(t, ue, "", "a valid key")
	if res.KeyID != f.key.ID || res.PlanID != "plan1" || res.Remaining != -1 {
		t.Fatalf("Result = %+v", res)
	}
	for what, v := range map[string]string{"no key": "", "unknown key": strings.Repeat("a", 40), "malformed key": "x-y", "key with another value's prefix": f.value[:39]} {
		_, ue := f.check(t, "/pets", v)
		wantKind(t, ue, InvalidAPIKey, what)
		if ue.Status != 403 || ue.Message != "Forbidden" {
			t.Fatalf("%s: %d %q, want 403 Forbidden", what, ue.Status, ue.Message)
		}
	}
	_, err := f.svc.Check(ctx, Request{APIID: "api1", Stage: "dev", Method: "GET", ResourcePath: "/", APIKey: f.value, KeyRequired: true})
	wantKind(t, asError(err), InvalidAPIKey, "a key without a plan for the stage")
	if _, err := f.svc.Check(ctx, Request{APIID: "api1", Stage: "dev", Method: "GET", ResourcePath: "/"}); err != nil {
		t.Fatalf("a method not requiring a key: %v", err)
	}

	if err := st.UpdateAPIKey(ctx, f.key.ID, func(k store.APIKey) (store.APIKey, error) { k.Enabled = false; return k, nil }); err != nil {
		t.Fatal(err)
	}
	_, ue = f.check(t, "/pets", f.value)
	wantKind(t, ue, "", "a disabled key is still admitted from the cache within its TTL")
	f.svc.Invalidate()
	_, ue = f.check(t, "/pets", f.value)
	wantKind(t, ue, InvalidAPIKey, "a disabled key after invalidation")

	if got, err := f.svc.KeyValue(f.key); err != nil || got != f.value {
		t.Fatalf("KeyValue = %q, %v; want the created value", got, err)
	}
	if n := counterValue(t, f.svc.metrics.requests.WithLabelValues("", "", outcomeInvalid)); n != 6 {
		t.Fatalf("invalid-key metric = %v, want 6", n)
	}
}

func asError(err error) *Error {
	var ue *Error
	errors.As(err, &ue)
	return ue
}

func TestCheckThrottle(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "moat.db"))
	defer st.Close()
	f := newFixture(t, st, newFakeClock(), &store.Throttle{RateLimit: 10, BurstLimit: 3}, nil)
	for range 3 {
		_, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, "", "within burst")
	}
	_, ue := f.check(t, "/pets", f.value)
	wantKind(t, ue, Throttled, "past the burst")
	if ue.Status != 429 || ue.Message != "Too Many Requests" || ue.RetryAfter <= 0 || ue.RetryAfter > 100*time.Millisecond {
		t.Fatalf("throttled = %+v", ue)
	}
	// The method override has its own bucket: burst 1.
	_, ue = f.check(t, "/slow", f.value)
	wantKind(t, ue, "", "override's first request")
	_, ue = f.check(t, "/slow", f.value)
	wantKind(t, ue, Throttled, "override's second request")
	f.clock.Advance(time.Second)
	_, ue = f.check(t, "/pets", f.value)
	wantKind(t, ue, "", "after refill")

	// Keyless callers share the stage's throttle.
	stage := &store.Throttle{RateLimit: 1, BurstLimit: 2}
	var refused int
	for range 5 {
		_, err := f.svc.Check(context.Background(), Request{APIID: "api1", Stage: "prod", Method: "GET", ResourcePath: "/open", StageThrottle: stage})
		if ue := asError(err); ue != nil && ue.Kind == Throttled {
			refused++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if refused != 3 {
		t.Fatalf("stage throttle burst 2: %d of 5 refused, want 3", refused)
	}
}

func TestCheckQuota(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "moat.db"))
	defer st.Close()
	clock := newFakeClock() // 2026-11-22 10:00 UTC, a Sunday
	f := newFixture(t, st, clock, nil, &store.Quota{Limit: 3, Period: "DAY"})
	for i := range 3 {
		res, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, "", "within quota")
		if res.Remaining != int64(2-i) {
			t.Fatalf("Remaining = %d, want %d", res.Remaining, 2-i)
		}
	}
	_, ue := f.check(t, "/pets", f.value)
	wantKind(t, ue, QuotaExceeded, "over quota")
	if ue.Status != 429 || ue.Message != "Limit Exceeded" || ue.RetryAfter != 14*time.Hour {
		t.Fatalf("quota exceeded = %+v, want 429 Limit Exceeded, Retry-After 14h", ue)
	}
	clock.Advance(14 * time.Hour)
	_, ue = f.check(t, "/pets", f.value)
	wantKind(t, ue, "", "the next day")
	if n := counterValue(t, f.svc.metrics.requests.WithLabelValues("plan1", f.key.ID, outcomeOverQuota)); n != 1 {
		t.Fatalf("over-quota metric = %v, want 1", n)
	}
}

// TestQuotaSurvivesRestart: a restart (the store closed and reopened, a new
// Service) neither resets nor loses the period's count.
func TestQuotaSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "moat.db")
	clock := newFakeClock()
	st := openStore(t, path)
	f := newFixture(t, st, clock, nil, &store.Quota{Limit: 5, Period: "MONTH"})
	for range 3 {
		_, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, "", "before the restart")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = openStore(t, path)
	defer st.Close()
	svc, err := New(Config{Store: st, Limiter: NewMemoryLimiter(10, clock.Now), Secret: testSecret, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	for i, kind := range []Kind{"", "", QuotaExceeded} {
		_, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, kind, "after the restart #"+string(rune('1'+i)))
	}
}

func TestQuotaPeriods(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) // Sunday
	for _, c := range []struct{ period, name, end string }{
		{"DAY", "DAY:2026-11-22", "2026-11-23"},
		{"WEEK", "WEEK:2026-11-16", "2026-11-23"},
		{"MONTH", "MONTH:2026-11", "2026-12-01"},
	} {
		name, _, end, ok := quotaPeriod(c.period, at)
		if !ok || name != c.name || end.Format(time.DateOnly) != c.end {
			t.Errorf("%s: %q ends %s, want %q ending %s", c.period, name, end, c.name, c.end)
		}
	}
	if _, _, _, ok := quotaPeriod("YEAR", at); ok {
		t.Error("YEAR accepted")
	}
	q := store.Quota{Limit: 10, Offset: 4}
	start, end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got := quotaLimit(q, start.Add(time.Hour).Unix(), start, end); got != 6 {
		t.Errorf("offset in the first period: limit %d, want 6", got)
	}
	if got := quotaLimit(q, start.Add(-time.Hour).Unix(), start, end); got != 10 {
		t.Errorf("offset after the first period: limit %d, want 10", got)
	}
}

func TestNewKeyValuesAndIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		v, id := NewKeyValue(), NewKeyID()
		if ValidateValue(v) != nil || len(v) != 40 || seen[v] {
			t.Fatalf("bad or repeated value %q", v)
		}
		if len(id) != 10 || strings.Trim(id, lowerAlnum) != "" {
			t.Fatalf("bad ID %q", id)
		}
		seen[v] = true
	}
	if _, err := New(Config{Secret: []byte("short")}); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

func FuzzValidateValue(f *testing.F) {
	for _, seed := range []string{"", "abc", strings.Repeat("a", 20), strings.Repeat("Z9", 64), strings.Repeat("a", 129), "aaaaaaaaaaaaaaaaaaa-", "ééééééééééééééééééééé"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		err := ValidateValue(v)
		ok := len(v) >= 20 && len(v) <= 128 && strings.Trim(v, alnum) == ""
		if (err == nil) != ok {
			t.Fatalf("ValidateValue(%q) = %v", v, err)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	st := openStore(b, filepath.Join(b.TempDir(), "moat.db"))
	defer st.Close()
	clock := newFakeClock()
	f := newFixture(b, st, clock, &store.Throttle{RateLimit: 1e9, BurstLimit: 1e6}, nil)
	for b.Loop() {
		if _, ue := f.check(b, "/pets", f.value); ue != nil {
			b.Fatal(ue)
		}
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

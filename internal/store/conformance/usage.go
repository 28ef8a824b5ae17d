package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func apiKey(t *testing.T, s store.Store, id string) store.APIKey {
	t.Helper()
	k := store.APIKey{ID: id, Name: "key " + id, Description: "the " + id, Enabled: true, ValueHash: "hash-" + id,
		SealedValue: []byte("sealed-" + id), Attributes: []byte(`{"customerId":"c-` + id + `"}`), CreatedAt: 1700000500, UpdatedAt: 1700000501}
	must(t, s.CreateAPIKey(ctx, k), "CreateAPIKey "+id)
	return k
}

func usagePlan(t *testing.T, s store.Store, id string, stages ...store.UsagePlanStage) store.UsagePlan {
	t.Helper()
	p := store.UsagePlan{ID: id, Name: "plan " + id, Description: "the " + id,
		Throttle: &store.Throttle{RateLimit: 2.5, BurstLimit: 5}, Quota: &store.Quota{Limit: 100, Offset: 3, Period: "DAY"},
		Stages: stages, Attributes: []byte(`{"tags":{"a":"b"}}`), CreatedAt: 1700000600, UpdatedAt: 1700000601}
	must(t, s.CreateUsagePlan(ctx, p), "CreateUsagePlan "+id)
	return p
}

func stage(api, name string) store.UsagePlanStage {
	return store.UsagePlanStage{APIID: api, Stage: name}
}

// sameJSON compares values holding pointers and maps by their JSON form.
func sameJSON(t *testing.T, got, want any, what string) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// foundJSON is found for values compared by their JSON.
func foundJSON[T any](t *testing.T, want T, what string) func(T, error) {
	return func(got T, err error) {
		t.Helper()
		must(t, err, what)
		sameJSON(t, got, want, what)
	}
}

func testAPIKeys(t *testing.T, s store.Store) {
	a := apiKey(t, s, "akey")
	b := apiKey(t, s, "bkey")
	want(t, s.CreateAPIKey(ctx, a), store.ErrAlreadyExists, "CreateAPIKey duplicate ID")
	dupValue := a
	dupValue.ID = "ckey"
	want(t, s.CreateAPIKey(ctx, dupValue), store.ErrAlreadyExists, "CreateAPIKey duplicate value")

	found(t, a, "GetAPIKey")(s.GetAPIKey(ctx, "akey"))
	found(t, b, "FindAPIKeyByValueHash")(s.FindAPIKeyByValueHash(ctx, "hash-bkey"))
	_, err := s.FindAPIKeyByValueHash(ctx, "nope")
	want(t, err, store.ErrNotFound, "FindAPIKeyByValueHash missing")
	_, err = s.GetAPIKey(ctx, "nope")
	want(t, err, store.ErrNotFound, "GetAPIKey missing")
	found(t, []store.APIKey{a, b}, "ListAPIKeys")(s.ListAPIKeys(ctx))

	must(t, s.UpdateAPIKey(ctx, "akey", func(k store.APIKey) (store.APIKey, error) {
		k.Enabled, k.Name, k.UpdatedAt = false, "renamed", 1700000999
		return k, nil
	}), "UpdateAPIKey")
	a.Enabled, a.Name, a.UpdatedAt = false, "renamed", 1700000999
	found(t, a, "GetAPIKey after update")(s.GetAPIKey(ctx, "akey"))
	if err := s.UpdateAPIKey(ctx, "akey", func(k store.APIKey) (store.APIKey, error) { k.ValueHash = "other"; return k, nil }); err == nil {
		t.Fatal("UpdateAPIKey changed the value hash")
	}
	want(t, s.UpdateAPIKey(ctx, "nope", func(k store.APIKey) (store.APIKey, error) { return k, nil }), store.ErrNotFound, "UpdateAPIKey missing")

	must(t, s.DeleteAPIKey(ctx, "akey"), "DeleteAPIKey")
	want(t, s.DeleteAPIKey(ctx, "akey"), store.ErrNotFound, "DeleteAPIKey again")
	_, err = s.FindAPIKeyByValueHash(ctx, "hash-akey")
	want(t, err, store.ErrNotFound, "a deleted key is not found by value")
	found(t, []store.APIKey{b}, "ListAPIKeys after delete")(s.ListAPIKeys(ctx))
}

func testUsagePlans(t *testing.T, s store.Store) {
	withMethods := store.UsagePlanStage{APIID: "api1", Stage: "prod", MethodThrottles: map[string]store.Throttle{"/pets/GET": {RateLimit: 1, BurstLimit: 2}}}
	p1 := usagePlan(t, s, "plan1", withMethods, stage("api1", "dev"))
	p1.Stages = []store.UsagePlanStage{stage("api1", "dev"), withMethods} // stored order: APIID, then Stage
	p2 := store.UsagePlan{ID: "plan2", Name: "bare"}
	must(t, s.CreateUsagePlan(ctx, p2), "CreateUsagePlan without throttle, quota or stages")
	want(t, s.CreateUsagePlan(ctx, p2), store.ErrAlreadyExists, "CreateUsagePlan duplicate")

	foundJSON(t, p1, "GetUsagePlan")(s.GetUsagePlan(ctx, "plan1"))
	foundJSON(t, p2, "GetUsagePlan bare")(s.GetUsagePlan(ctx, "plan2"))
	_, err := s.GetUsagePlan(ctx, "nope")
	want(t, err, store.ErrNotFound, "GetUsagePlan missing")
	foundJSON(t, []store.UsagePlan{p1, p2}, "ListUsagePlans")(s.ListUsagePlans(ctx))

	must(t, s.UpdateUsagePlan(ctx, "plan1", func(p store.UsagePlan) (store.UsagePlan, error) {
		p.Quota = nil
		p.Throttle.RateLimit = 7
		p.Stages = []store.UsagePlanStage{{APIID: "api1", Stage: "prod", MethodThrottles: map[string]store.Throttle{"/GET": {RateLimit: 9, BurstLimit: 9}}}, stage("api2", "prod")}
		return p, nil
	}), "UpdateUsagePlan")
	p1.Quota, p1.Throttle.RateLimit = nil, 7
	p1.Stages = []store.UsagePlanStage{{APIID: "api1", Stage: "prod", MethodThrottles: map[string]store.Throttle{"/GET": {RateLimit: 9, BurstLimit: 9}}}, stage("api2", "prod")}
	foundJSON(t, p1, "GetUsagePlan after update")(s.GetUsagePlan(ctx, "plan1"))
	// An updater that edits the stages in place (deleting one with
	// slices.Delete) still removes the stage.
	must(t, s.UpdateUsagePlan(ctx, "plan1", func(p store.UsagePlan) (store.UsagePlan, error) {
		p.Stages = slices.Delete(p.Stages, 1, 2)
		return p, nil
	}), "UpdateUsagePlan removing a stage in place")
	p1.Stages = p1.Stages[:1]
	foundJSON(t, p1, "GetUsagePlan after an in-place removal")(s.GetUsagePlan(ctx, "plan1"))
	if err := s.UpdateUsagePlan(ctx, "plan1", func(p store.UsagePlan) (store.UsagePlan, error) { p.ID = "plan9"; return p, nil }); err == nil {
		t.Fatal("UpdateUsagePlan changed the ID")
	}
	want(t, s.UpdateUsagePlan(ctx, "nope", func(p store.UsagePlan) (store.UsagePlan, error) { return p, nil }), store.ErrNotFound, "UpdateUsagePlan missing")

	must(t, s.DeleteUsagePlan(ctx, "plan1"), "DeleteUsagePlan")
	want(t, s.DeleteUsagePlan(ctx, "plan1"), store.ErrNotFound, "DeleteUsagePlan again")
	plans, err := s.ListUsagePlans(ctx)
	must(t, err, "ListUsagePlans after delete")
	sameJSON(t, plans, []store.UsagePlan{p2}, "ListUsagePlans after delete")
}

func testUsagePlanKeys(t *testing.T, s store.Store) {
	a, b := apiKey(t, s, "akey"), apiKey(t, s, "bkey")
	p1 := usagePlan(t, s, "plan1", stage("api1", "prod"))
	p2 := usagePlan(t, s, "plan2", stage("api1", "prod"), stage("api2", "prod"))
	p3 := usagePlan(t, s, "plan3", stage("api2", "dev"))

	want(t, s.AddUsagePlanKey(ctx, "nope", "akey"), store.ErrNotFound, "AddUsagePlanKey to a missing plan")
	want(t, s.AddUsagePlanKey(ctx, "plan1", "nope"), store.ErrNotFound, "AddUsagePlanKey of a missing key")
	must(t, s.AddUsagePlanKey(ctx, "plan1", "akey"), "AddUsagePlanKey")
	want(t, s.AddUsagePlanKey(ctx, "plan1", "akey"), store.ErrAlreadyExists, "AddUsagePlanKey again")
	want(t, s.AddUsagePlanKey(ctx, "plan2", "akey"), store.ErrConflict, "a key in two plans for one stage")
	must(t, s.AddUsagePlanKey(ctx, "plan3", "akey"), "a key in two plans for different stages")
	must(t, s.AddUsagePlanKey(ctx, "plan2", "bkey"), "AddUsagePlanKey bkey")

	keys, err := s.ListUsagePlanKeys(ctx, "plan1")
	must(t, err, "ListUsagePlanKeys")
	same(t, keys, []store.APIKey{a}, "ListUsagePlanKeys (the refused plan2 membership left nothing behind)")
	keys, err = s.ListUsagePlanKeys(ctx, "plan2")
	must(t, err, "ListUsagePlanKeys plan2")
	same(t, keys, []store.APIKey{b}, "ListUsagePlanKeys plan2")
	_, err = s.ListUsagePlanKeys(ctx, "nope")
	want(t, err, store.ErrNotFound, "ListUsagePlanKeys of a missing plan")
	foundJSON(t, []store.UsagePlan{p1, p3}, "ListUsagePlansForKey")(s.ListUsagePlansForKey(ctx, "akey"))
	_, err = s.ListUsagePlansForKey(ctx, "nope")
	want(t, err, store.ErrNotFound, "ListUsagePlansForKey of a missing key")

	foundJSON(t, p1, "FindUsagePlanForStage")(s.FindUsagePlanForStage(ctx, "akey", "api1", "prod"))
	foundJSON(t, p2, "FindUsagePlanForStage bkey")(s.FindUsagePlanForStage(ctx, "bkey", "api2", "prod"))
	_, err = s.FindUsagePlanForStage(ctx, "akey", "api2", "prod")
	want(t, err, store.ErrNotFound, "FindUsagePlanForStage of an uncovered stage")

	// Adding to plan3 the stage akey already has through plan1 is refused whole.
	want(t, s.UpdateUsagePlan(ctx, "plan3", func(p store.UsagePlan) (store.UsagePlan, error) {
		p.Name = "changed"
		p.Stages = append(p.Stages, stage("api1", "prod"))
		return p, nil
	}), store.ErrConflict, "UpdateUsagePlan adding a stage a key has elsewhere")
	gotPlan, err := s.GetUsagePlan(ctx, "plan3")
	must(t, err, "GetUsagePlan plan3")
	sameJSON(t, gotPlan, p3, "a refused update changes nothing")
	// A stage a plan adds is covered for its keys; one it drops is not.
	must(t, s.UpdateUsagePlan(ctx, "plan3", func(p store.UsagePlan) (store.UsagePlan, error) {
		p.Stages = []store.UsagePlanStage{stage("api3", "prod")}
		return p, nil
	}), "UpdateUsagePlan moving plan3 to another stage")
	_, err = s.FindUsagePlanForStage(ctx, "akey", "api3", "prod")
	must(t, err, "a stage added to a plan is covered for its keys")
	_, err = s.FindUsagePlanForStage(ctx, "akey", "api2", "dev")
	want(t, err, store.ErrNotFound, "a stage dropped from a plan is not covered")

	must(t, s.RemoveUsagePlanKey(ctx, "plan1", "akey"), "RemoveUsagePlanKey")
	want(t, s.RemoveUsagePlanKey(ctx, "plan1", "akey"), store.ErrNotFound, "RemoveUsagePlanKey again")
	_, err = s.FindUsagePlanForStage(ctx, "akey", "api1", "prod")
	want(t, err, store.ErrNotFound, "a removed key is not covered")
	found(t, []store.APIKey{}, "ListUsagePlanKeys empty")(s.ListUsagePlanKeys(ctx, "plan1"))

	// Deleting a key or a plan drops the membership.
	must(t, s.DeleteAPIKey(ctx, "bkey"), "DeleteAPIKey")
	found(t, []store.APIKey{}, "ListUsagePlanKeys after key delete")(s.ListUsagePlanKeys(ctx, "plan2"))
	must(t, s.DeleteUsagePlan(ctx, "plan3"), "DeleteUsagePlan")
	foundJSON(t, []store.UsagePlan{}, "ListUsagePlansForKey after plan delete")(s.ListUsagePlansForKey(ctx, "akey"))
	must(t, s.AddUsagePlanKey(ctx, "plan2", "akey"), "the key may join plan2 once plan1 let it go")
}

func testUsageCounters(t *testing.T, s store.Store) {
	apiKey(t, s, "akey")
	apiKey(t, s, "bkey")
	usagePlan(t, s, "plan1")
	must(t, s.AddUsagePlanKey(ctx, "plan1", "akey"), "AddUsagePlanKey akey")
	must(t, s.AddUsagePlanKey(ctx, "plan1", "bkey"), "AddUsagePlanKey bkey")

	inc := store.UsageIncrement{PlanID: "plan1", KeyID: "akey", Period: "2026-11", Day: "2026-11-21", Limit: 3}
	for i, wantAllowed := range []bool{true, true, true, false, false} {
		if i == 2 {
			inc.Day = "2026-11-22"
		}
		used, allowed, err := s.IncrementUsage(ctx, inc)
		must(t, err, "IncrementUsage")
		wantUsed := min(int64(i+1), 3)
		if used != wantUsed || allowed != wantAllowed {
			t.Fatalf("IncrementUsage #%d = %d, %v; want %d, %v", i+1, used, allowed, wantUsed, wantAllowed)
		}
	}
	used, allowed, err := s.IncrementUsage(ctx, store.UsageIncrement{PlanID: "plan1", KeyID: "bkey", Period: "2026-11", Day: "2026-11-22", Limit: 0})
	must(t, err, "IncrementUsage with limit 0")
	if used != 0 || allowed {
		t.Fatalf("IncrementUsage with limit 0 = %d, %v; want 0, false", used, allowed)
	}
	_, _, err = s.IncrementUsage(ctx, store.UsageIncrement{PlanID: "plan1", KeyID: "nope", Period: "2026-11", Day: "2026-11-22", Limit: 5})
	want(t, err, store.ErrNotFound, "IncrementUsage for a key outside the plan")

	found(t, int64(3), "GetUsageCount")(s.GetUsageCount(ctx, "plan1", "akey", "2026-11"))
	found(t, int64(0), "GetUsageCount of a new period")(s.GetUsageCount(ctx, "plan1", "akey", "2026-12"))

	// UpdateUsage gives quota back: the next request is allowed again.
	must(t, s.SetUsageCount(ctx, "plan1", "akey", "2026-11", 1), "SetUsageCount")
	used, allowed, err = s.IncrementUsage(ctx, inc)
	must(t, err, "IncrementUsage after SetUsageCount")
	if used != 2 || !allowed {
		t.Fatalf("IncrementUsage after SetUsageCount = %d, %v; want 2, true", used, allowed)
	}
	must(t, s.SetUsageCount(ctx, "plan1", "bkey", "2026-11", 7), "SetUsageCount of an uncounted period")
	want(t, s.SetUsageCount(ctx, "plan1", "nope", "2026-11", 1), store.ErrNotFound, "SetUsageCount for a key outside the plan")

	days, err := s.ListDailyUsage(ctx, "plan1", "", "2026-11-01", "2026-11-30")
	must(t, err, "ListDailyUsage")
	same(t, days, []store.DailyUsage{
		{PlanID: "plan1", KeyID: "akey", Day: "2026-11-21", Used: 2},
		{PlanID: "plan1", KeyID: "akey", Day: "2026-11-22", Used: 2},
	}, "ListDailyUsage counts allowed requests only")
	found(t, []store.DailyUsage{{PlanID: "plan1", KeyID: "akey", Day: "2026-11-22", Used: 2}}, "ListDailyUsage one key, one day")(s.ListDailyUsage(ctx, "plan1", "akey", "2026-11-22", "2026-11-22"))
	found(t, []store.DailyUsage{}, "ListDailyUsage of an idle key")(s.ListDailyUsage(ctx, "plan1", "bkey", "2026-11-01", "2026-11-30"))
	_, err = s.ListDailyUsage(ctx, "nope", "", "2026-11-01", "2026-11-30")
	want(t, err, store.ErrNotFound, "ListDailyUsage of a missing plan")

	// Leaving the plan drops the key's counters.
	must(t, s.RemoveUsagePlanKey(ctx, "plan1", "akey"), "RemoveUsagePlanKey")
	must(t, s.AddUsagePlanKey(ctx, "plan1", "akey"), "AddUsagePlanKey again")
	found(t, int64(0), "GetUsageCount after rejoining")(s.GetUsageCount(ctx, "plan1", "akey", "2026-11"))
}

// testConcurrentUsage: requests racing for the last slots of a quota get
// exactly the quota, no more and no fewer.
func testConcurrentUsage(t *testing.T, s store.Store) {
	apiKey(t, s, "akey")
	usagePlan(t, s, "plan1")
	must(t, s.AddUsagePlanKey(ctx, "plan1", "akey"), "AddUsagePlanKey")
	const racers, limit = 50, 20
	var allowed atomic.Int64
	errs := make(chan error, racers)
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			_, ok, err := s.IncrementUsage(ctx, store.UsageIncrement{PlanID: "plan1", KeyID: "akey", Period: "2026-11-22", Day: "2026-11-22", Limit: limit})
			if err != nil {
				errs <- err
			}
			if ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("IncrementUsage: %v", err)
	}
	n, err := s.GetUsageCount(ctx, "plan1", "akey", "2026-11-22")
	must(t, err, "GetUsageCount")
	if allowed.Load() != limit || n != limit {
		t.Fatalf("%d racers on a limit of %d: %d allowed, count %d", racers, limit, allowed.Load(), n)
	}
	days, err := s.ListDailyUsage(ctx, "plan1", "akey", "2026-11-22", "2026-11-22")
	must(t, err, "ListDailyUsage")
	same(t, fmt.Sprint(days), fmt.Sprint([]store.DailyUsage{{PlanID: "plan1", KeyID: "akey", Day: "2026-11-22", Used: limit}}), "day count")
}

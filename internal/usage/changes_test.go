package usage

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

// Every change made through the Service shows in the next Check, without
// waiting out the lookup cache (the fake clock never moves).
func TestChangesShowAtOnce(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "moat.db"))
	defer st.Close()
	f := newFixture(t, st, newFakeClock(), nil, nil)
	ctx := context.Background()
	admitted := func(what string) {
		t.Helper()
		_, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, "", what)
	}
	refused := func(what string) {
		t.Helper()
		_, ue := f.check(t, "/pets", f.value)
		wantKind(t, ue, InvalidAPIKey, what)
	}
	admitted("the key in its plan")
	if err := f.svc.UpdateAPIKey(ctx, f.key.ID, func(k *store.APIKey) error { k.Enabled = false; return nil }); err != nil {
		t.Fatal(err)
	}
	refused("a disabled key")
	if err := f.svc.UpdateAPIKey(ctx, f.key.ID, func(k *store.APIKey) error { k.Enabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	admitted("the key enabled again")
	if err := f.svc.UpdatePlan(ctx, "plan1", nil, func(p *store.UsagePlan) error { p.Name = "renamed"; p.Stages[0].Stage = "beta"; return nil }); err != nil {
		t.Fatal(err)
	}
	refused("a plan moved to another stage")
	if err := f.svc.UpdatePlan(ctx, "plan1", nil, func(p *store.UsagePlan) error { p.Stages[0].Stage = "prod"; return nil }); err != nil {
		t.Fatal(err)
	}
	admitted("the plan back on its stage")
	if err := f.svc.RemovePlanKey(ctx, "plan1", f.key.ID); err != nil {
		t.Fatal(err)
	}
	refused("a key taken out of its plan")
	if err := f.svc.AddPlanKey(ctx, "plan1", f.key.ID); err != nil {
		t.Fatal(err)
	}
	admitted("the key put back")
	if err := f.svc.DeletePlan(ctx, "plan1"); err != nil {
		t.Fatal(err)
	}
	refused("a deleted plan")
}

// pausingStore is the real store, except that one FindUsagePlanForStage,
// once armed, waits after reading until the test lets it go on: a change
// can then land between a lookup's read and its caching.
type pausingStore struct {
	store.Store
	armed         atomic.Bool
	read, proceed chan struct{}
}

func (p *pausingStore) FindUsagePlanForStage(ctx context.Context, keyID, apiID, stage string) (store.UsagePlan, error) {
	plan, err := p.Store.FindUsagePlanForStage(ctx, keyID, apiID, stage)
	if p.armed.CompareAndSwap(true, false) {
		p.read <- struct{}{}
		<-p.proceed
	}
	return plan, err
}

// A lookup that read the store before a change must not be cached after
// the change's invalidation, or the change stays unseen for a TTL.
func TestInvalidationDuringALookup(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "moat.db"))
	defer st.Close()
	ps := &pausingStore{Store: st, read: make(chan struct{}), proceed: make(chan struct{})}
	f := newFixture(t, ps, newFakeClock(), nil, nil)
	ctx := context.Background()
	req := Request{APIID: "api1", Stage: "prod", Method: "GET", ResourcePath: "/pets", APIKey: f.value, KeyRequired: true}

	ps.armed.Store(true)
	first := make(chan error, 1)
	go func() {
		_, err := f.svc.Check(ctx, req)
		first <- err
	}()
	<-ps.read // the lookup has seen the key in its plan
	if err := f.svc.RemovePlanKey(ctx, "plan1", f.key.ID); err != nil {
		t.Fatal(err)
	}
	close(ps.proceed)
	if err := <-first; err != nil {
		t.Fatalf("the request that read before the change: %v", err)
	}
	_, err := f.svc.Check(ctx, req)
	var ue *Error
	if !errors.As(err, &ue) || ue.Kind != InvalidAPIKey {
		t.Fatalf("after the key left its plan: %v, want %s (a lookup from before the change was cached)", err, InvalidAPIKey)
	}
}

package conformance

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func function(name string) store.Function {
	return store.Function{
		Name: name, ARN: "arn:aws:lambda:us-east-1:000000000000:function:" + name, Runtime: "provided.al2023",
		Handler: "bootstrap", Role: "arn:aws:iam::000000000000:role/fn", Description: "the " + name,
		Timeout: 3, MemorySize: 128, Architectures: []string{"x86_64"}, Environment: `{"GREETING":"hé"}`,
		CodeSha256: "sha-1", CodeSize: 4, ReservedConcurrency: -1, RevisionID: "rev-1", LastModified: 1700000000000,
	}
}

func testFunctions(t *testing.T, s store.Store) {
	b, a := function("beta"), function("alpha")
	must(t, s.CreateFunction(ctx, b, []byte("zip1")), "CreateFunction beta")
	must(t, s.CreateFunction(ctx, a, []byte("zipA")), "CreateFunction alpha")
	remote := function("remote")
	remote.URL, remote.CodeSha256, remote.CodeSize, remote.Architectures = "http://fn.example/run", "", 0, nil
	must(t, s.CreateFunction(ctx, remote, nil), "CreateFunction with a URL and no code")
	remote.Architectures = []string{}
	want(t, s.CreateFunction(ctx, a, []byte("zipA")), store.ErrAlreadyExists, "CreateFunction with a taken name")

	foundJSON(t, a, "GetFunction")(s.GetFunction(ctx, "alpha"))
	got, err := s.GetFunction(ctx, "remote")
	must(t, err, "GetFunction remote")
	sameJSON(t, got, remote, "a function without architectures has an empty list")
	_, err = s.GetFunction(ctx, "Alpha")
	want(t, err, store.ErrNotFound, "GetFunction is case-sensitive")

	page, err := s.ListFunctions(ctx, "", 2)
	must(t, err, "ListFunctions")
	if len(page) != 2 || page[0].Name != "alpha" || page[1].Name != "beta" {
		t.Fatalf("ListFunctions first page = %v", names(page))
	}
	page, err = s.ListFunctions(ctx, "beta", 2)
	must(t, err, "ListFunctions after beta")
	if len(page) != 1 || page[0].Name != "remote" {
		t.Fatalf("ListFunctions after beta = %v", names(page))
	}

	code, err := s.GetFunctionCode(ctx, "beta", "sha-1")
	must(t, err, "GetFunctionCode")
	if !bytes.Equal(code, []byte("zip1")) {
		t.Fatalf("GetFunctionCode = %q", code)
	}
	_, err = s.GetFunctionCode(ctx, "beta", "sha-2")
	want(t, err, store.ErrNotFound, "GetFunctionCode of a version never stored")

	must(t, s.UpdateFunction(ctx, "beta", []byte("zip2"), func(f store.Function) (store.Function, error) {
		f.CodeSha256, f.CodeSize, f.RevisionID = "sha-2", 4, "rev-2"
		return f, nil
	}), "UpdateFunction with code")
	code, err = s.GetFunctionCode(ctx, "beta", "sha-2")
	must(t, err, "GetFunctionCode of the new version")
	if !bytes.Equal(code, []byte("zip2")) {
		t.Fatalf("GetFunctionCode after the update = %q", code)
	}
	_, err = s.GetFunctionCode(ctx, "beta", "sha-1")
	want(t, err, store.ErrNotFound, "the replaced code is gone")
	must(t, s.UpdateFunction(ctx, "beta", nil, func(f store.Function) (store.Function, error) {
		f.Timeout, f.Environment, f.ReservedConcurrency = 30, `{}`, 5
		return f, nil
	}), "UpdateFunction of the configuration")
	got, err = s.GetFunction(ctx, "beta")
	must(t, err, "GetFunction after the updates")
	if got.Timeout != 30 || got.Environment != `{}` || got.ReservedConcurrency != 5 || got.CodeSha256 != "sha-2" {
		t.Fatalf("GetFunction after the updates = %+v", got)
	}
	_, err = s.GetFunctionCode(ctx, "beta", "sha-2")
	must(t, err, "a configuration update keeps the code")
	if err := s.UpdateFunction(ctx, "beta", nil, func(f store.Function) (store.Function, error) {
		f.ARN = "arn:aws:lambda:us-east-1:000000000000:function:other"
		return f, nil
	}); err == nil {
		t.Fatal("UpdateFunction changed the ARN")
	}
	failed := errors.New("refused")
	want(t, s.UpdateFunction(ctx, "beta", []byte("zip3"), func(f store.Function) (store.Function, error) {
		f.CodeSha256 = "sha-3"
		return f, failed
	}), failed, "an updater's error")
	_, err = s.GetFunctionCode(ctx, "beta", "sha-2")
	must(t, err, "a refused update keeps the code")
	want(t, s.UpdateFunction(ctx, "missing", nil, func(f store.Function) (store.Function, error) { return f, nil }),
		store.ErrNotFound, "UpdateFunction missing")

	must(t, s.DeleteFunction(ctx, "beta"), "DeleteFunction")
	_, err = s.GetFunction(ctx, "beta")
	want(t, err, store.ErrNotFound, "GetFunction after delete")
	_, err = s.GetFunctionCode(ctx, "beta", "sha-2")
	want(t, err, store.ErrNotFound, "the code goes with its function")
	want(t, s.DeleteFunction(ctx, "beta"), store.ErrNotFound, "DeleteFunction twice")
	must(t, s.CreateFunction(ctx, b, []byte("zip1")), "a deleted name can be taken again")
}

func names(fs []store.Function) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func testFunctionEvents(t *testing.T, s store.Store) {
	must(t, s.CreateFunction(ctx, function("fn"), []byte("zip")), "CreateFunction")
	want(t, s.EnqueueFunctionEvent(ctx, store.FunctionEvent{ID: "e0", Function: "missing", Payload: []byte(`{}`), CreatedAt: 1}),
		store.ErrNotFound, "EnqueueFunctionEvent for a missing function")
	for i, id := range []string{"e1", "e2"} {
		must(t, s.EnqueueFunctionEvent(ctx, store.FunctionEvent{ID: id, Function: "fn", Payload: []byte(`{"n":` + id[1:] + `}`),
			NextAttemptAt: 100, CreatedAt: int64(10 + i)}), "EnqueueFunctionEvent "+id)
	}
	if _, ok, err := s.ClaimFunctionEvent(ctx, 99, 1000); err != nil || ok {
		t.Fatalf("ClaimFunctionEvent before anything is due = %v, %v", ok, err)
	}
	e, ok, err := s.ClaimFunctionEvent(ctx, 100, 1000)
	must(t, err, "ClaimFunctionEvent")
	if !ok || e.ID != "e1" || e.Attempts != 1 || string(e.Payload) != `{"n":1}` || e.NextAttemptAt != 1000 {
		t.Fatalf("ClaimFunctionEvent = %+v, %v; want e1, first attempt", e, ok)
	}
	e, ok, err = s.ClaimFunctionEvent(ctx, 100, 1000)
	must(t, err, "ClaimFunctionEvent again")
	if !ok || e.ID != "e2" {
		t.Fatalf("second claim = %+v, %v; want e2 (e1 is claimed)", e, ok)
	}
	if _, ok, _ := s.ClaimFunctionEvent(ctx, 999, 2000); ok {
		t.Fatal("a claimed event was claimed again within its lease")
	}
	must(t, s.RetryFunctionEvent(ctx, "e1", 500, "boom"), "RetryFunctionEvent")
	e, ok, err = s.ClaimFunctionEvent(ctx, 500, 1500)
	must(t, err, "ClaimFunctionEvent of the retried event")
	if !ok || e.ID != "e1" || e.Attempts != 2 || e.LastError != "boom" {
		t.Fatalf("retried claim = %+v, %v", e, ok)
	}
	must(t, s.DeleteFunctionEvent(ctx, "e1"), "DeleteFunctionEvent")
	want(t, s.DeleteFunctionEvent(ctx, "e1"), store.ErrNotFound, "DeleteFunctionEvent twice")
	want(t, s.RetryFunctionEvent(ctx, "e1", 1, ""), store.ErrNotFound, "RetryFunctionEvent of a deleted event")

	// A lapsed lease makes the event due again, to exactly one of many claimers.
	var wg sync.WaitGroup
	var mu sync.Mutex
	claims := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.ClaimFunctionEvent(ctx, 1000, 5000)
			if err != nil {
				t.Errorf("concurrent ClaimFunctionEvent: %v", err)
			}
			if ok {
				mu.Lock()
				claims++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if claims != 1 {
		t.Fatalf("%d concurrent claims of one lapsed event succeeded, want 1", claims)
	}
	must(t, s.DeleteFunction(ctx, "fn"), "DeleteFunction")
	if _, ok, _ := s.ClaimFunctionEvent(ctx, 1<<40, 1<<41); ok {
		t.Fatal("an event outlived its function")
	}
}

package conformance

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

func role(t *testing.T, s store.Store, name, id string) store.Role {
	t.Helper()
	r := store.Role{
		Name: name, ID: id, ARN: "arn:aws:iam::000000000000:role/app/" + name, Path: "/app/",
		Description: "the " + name, AssumeRolePolicy: trustPolicy, MaxSessionDuration: 3600,
		Tags:           map[string]string{"team": "core", "ünï": "côdé"},
		InlinePolicies: map[string]string{"invoke": `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}`},
		CreatedAt:      1700000500,
	}
	must(t, s.CreateRole(ctx, r), "CreateRole "+name)
	return r
}

func testRoles(t *testing.T, s store.Store) {
	b := role(t, s, "beta", "AROABETA0000000000001")
	a := role(t, s, "Alpha", "AROAALPHA000000000001")
	bare := store.Role{Name: "bare", ID: "AROABARE0000000000001", ARN: "arn:aws:iam::000000000000:role/bare", Path: "/", AssumeRolePolicy: trustPolicy, MaxSessionDuration: 3600, CreatedAt: 1}
	must(t, s.CreateRole(ctx, bare), "CreateRole without tags or policies")
	bare.Tags, bare.InlinePolicies = map[string]string{}, map[string]string{}

	dup := a
	dup.Name, dup.ID, dup.ARN = "ALPHA", "AROADUP00000000000001", "arn:aws:iam::000000000000:role/ALPHA"
	want(t, s.CreateRole(ctx, dup), store.ErrAlreadyExists, "CreateRole with a name taken in another case")
	dup.Name, dup.ARN = "gamma", "arn:aws:iam::000000000000:role/gamma"
	dup.ID = a.ID
	want(t, s.CreateRole(ctx, dup), store.ErrAlreadyExists, "CreateRole with a taken ID")

	foundJSON(t, a, "GetRole")(s.GetRole(ctx, a.Name))
	foundJSON(t, a, "GetRole in another case")(s.GetRole(ctx, "ALPHA"))
	got, err := s.GetRole(ctx, bare.Name)
	must(t, err, "GetRole bare")
	sameJSON(t, got, bare, "a role without tags or policies has empty maps")
	_, err = s.GetRole(ctx, "missing")
	want(t, err, store.ErrNotFound, "GetRole missing")

	foundJSON(t, b, "GetRoleByARN")(s.GetRoleByARN(ctx, b.ARN))
	_, err = s.GetRoleByARN(ctx, "arn:aws:iam::000000000000:role/beta")
	want(t, err, store.ErrNotFound, "GetRoleByARN with the wrong path")

	list, err := s.ListRoles(ctx)
	must(t, err, "ListRoles")
	sameJSON(t, list, []store.Role{a, bare, b}, "ListRoles ordered by Name, bytewise")

	must(t, s.UpdateRole(ctx, "BETA", func(r store.Role) (store.Role, error) {
		r.Description, r.AssumeRolePolicy, r.MaxSessionDuration = "", `{"Statement":[]}`, 43200
		r.Tags = nil
		r.InlinePolicies["second"] = `{"Statement":[]}`
		return r, nil
	}), "UpdateRole")
	b.Description, b.AssumeRolePolicy, b.MaxSessionDuration = "", `{"Statement":[]}`, 43200
	b.Tags = map[string]string{}
	b.InlinePolicies["second"] = `{"Statement":[]}`
	got, err = s.GetRole(ctx, b.Name)
	must(t, err, "GetRole after update")
	sameJSON(t, got, b, "updated role")
	want(t, s.UpdateRole(ctx, "missing", func(r store.Role) (store.Role, error) { return r, nil }), store.ErrNotFound, "UpdateRole missing")

	for field, change := range map[string]func(*store.Role){
		"Name": func(r *store.Role) { r.Name = "beta2" },
		"ARN":  func(r *store.Role) { r.ARN += "x" },
		"ID":   func(r *store.Role) { r.ID = "AROAOTHER00000000001" },
	} {
		err := s.UpdateRole(ctx, b.Name, func(r store.Role) (store.Role, error) { change(&r); r.Description = "changed"; return r, nil })
		if err == nil || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UpdateRole changing %s: got %v, want a rejection", field, err)
		}
	}
	refused := errors.New("refused")
	want(t, s.UpdateRole(ctx, b.Name, func(r store.Role) (store.Role, error) { r.Description = "changed"; return r, refused }), refused, "UpdateRole whose updater fails")
	got, err = s.GetRole(ctx, b.Name)
	must(t, err, "GetRole after refused updates")
	sameJSON(t, got, b, "refused updates change nothing")

	must(t, s.DeleteRole(ctx, "alpha"), "DeleteRole in another case")
	want(t, s.DeleteRole(ctx, a.Name), store.ErrNotFound, "DeleteRole twice")
	_, err = s.GetRoleByARN(ctx, a.ARN)
	want(t, err, store.ErrNotFound, "GetRoleByARN after delete")
	must(t, s.CreateRole(ctx, a), "a deleted role's name is free again")

	concurrentRoleUpdates(t, s)
}

// concurrentRoleUpdates: inline policies put concurrently are all kept.
func concurrentRoleUpdates(t *testing.T, s store.Store) {
	r := role(t, s, "busy", "AROABUSY0000000000001")
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.UpdateRole(ctx, r.Name, func(r store.Role) (store.Role, error) {
				r.InlinePolicies[fmt.Sprintf("p%d", i)] = `{}`
				return r, nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		must(t, err, fmt.Sprintf("UpdateRole %d", i))
	}
	got, err := s.GetRole(ctx, r.Name)
	must(t, err, "GetRole")
	same(t, len(got.InlinePolicies), n+1, "inline policies after concurrent puts")
}

package conformance

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func wafEntity(kind, name string, n int) store.WAFEntity {
	id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)
	return store.WAFEntity{
		ID: id, Name: name, ARN: "arn:aws:wafv2:us-east-1:000000000000:regional/" + kind + "/" + name + "/" + id,
		Description: "the " + name, Attributes: []byte(`{"Tags":[{"Key":"team","Value":"core"}]}`),
		CreatedAt: 1700000000 + int64(n), UpdatedAt: 1700000000 + int64(n),
	}
}

func ipSet(t *testing.T, s store.Store, name string, n int) store.IPSet {
	t.Helper()
	v := store.IPSet{WAFEntity: wafEntity("ipset", name, n), IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32", "10.0.0.0/8"}}
	token, err := s.CreateIPSet(ctx, v)
	must(t, err, "CreateIPSet "+name)
	if token == "" {
		t.Fatal("CreateIPSet returned no lock token")
	}
	v.LockToken = token
	return v
}

func testWAFSets(t *testing.T, s store.Store) {
	b := ipSet(t, s, "beta", 2)
	a := ipSet(t, s, "alpha", 1)
	empty := store.IPSet{WAFEntity: wafEntity("ipset", "empty", 3), IPAddressVersion: "IPV6"}
	token, err := s.CreateIPSet(ctx, empty)
	must(t, err, "CreateIPSet without addresses")
	empty.LockToken, empty.Addresses = token, []string{}

	dup := a
	dup.ID, dup.ARN = "00000009-0000-4000-8000-000000000000", "arn:other"
	_, err = s.CreateIPSet(ctx, dup)
	want(t, err, store.ErrAlreadyExists, "CreateIPSet with a taken name")

	foundJSON(t, a, "GetIPSet")(s.GetIPSet(ctx, a.ID))
	got, err := s.GetIPSet(ctx, empty.ID)
	must(t, err, "GetIPSet empty")
	sameJSON(t, got, empty, "an IP set without addresses has an empty list")
	_, err = s.GetIPSet(ctx, "00000099-0000-4000-8000-000000000000")
	want(t, err, store.ErrNotFound, "GetIPSet missing")
	list, err := s.ListIPSets(ctx)
	must(t, err, "ListIPSets")
	sameJSON(t, list, []store.IPSet{a, b, empty}, "ListIPSets by name")

	next, err := s.UpdateIPSet(ctx, a.ID, a.LockToken, func(v store.IPSet) (store.IPSet, error) {
		v.Addresses, v.Description, v.UpdatedAt = []string{"192.0.2.0/24"}, "changed", 1800000000
		return v, nil
	})
	must(t, err, "UpdateIPSet")
	if next == "" || next == a.LockToken {
		t.Fatalf("UpdateIPSet gave lock token %q after %q: want a new one", next, a.LockToken)
	}
	_, err = s.UpdateIPSet(ctx, a.ID, a.LockToken, func(v store.IPSet) (store.IPSet, error) {
		v.Addresses = nil
		return v, nil
	})
	want(t, err, store.ErrStaleLockToken, "UpdateIPSet with the token it had before")
	got, _ = s.GetIPSet(ctx, a.ID)
	if got.LockToken != next || len(got.Addresses) != 1 || got.Description != "changed" || got.UpdatedAt != 1800000000 {
		t.Fatalf("after updates: %+v (token %s)", got, next)
	}
	_, err = s.UpdateIPSet(ctx, a.ID, next, func(v store.IPSet) (store.IPSet, error) {
		v.Name = "renamed"
		return v, nil
	})
	if err == nil {
		t.Fatal("UpdateIPSet renamed the set")
	}
	refused := errors.New("refused")
	_, err = s.UpdateIPSet(ctx, a.ID, next, func(v store.IPSet) (store.IPSet, error) { return v, refused })
	want(t, err, refused, "UpdateIPSet's updater error")
	if again, _ := s.GetIPSet(ctx, a.ID); again.LockToken != next {
		t.Fatal("a refused update changed the lock token")
	}
	_, err = s.UpdateIPSet(ctx, "00000099-0000-4000-8000-000000000000", next, func(v store.IPSet) (store.IPSet, error) { return v, nil })
	want(t, err, store.ErrNotFound, "UpdateIPSet missing")

	want(t, s.DeleteIPSet(ctx, a.ID, a.LockToken), store.ErrStaleLockToken, "DeleteIPSet with a stale token")
	must(t, s.DeleteIPSet(ctx, a.ID, next), "DeleteIPSet")
	_, err = s.GetIPSet(ctx, a.ID)
	want(t, err, store.ErrNotFound, "GetIPSet after delete")
	want(t, s.DeleteIPSet(ctx, a.ID, next), store.ErrNotFound, "DeleteIPSet twice")

	r := store.RegexPatternSet{WAFEntity: wafEntity("regexpatternset", "paths", 4), RegularExpressions: []string{"^/wp-", `(?i)\.env$`}}
	token, err = s.CreateRegexPatternSet(ctx, r)
	must(t, err, "CreateRegexPatternSet")
	r.LockToken = token
	foundJSON(t, r, "GetRegexPatternSet")(s.GetRegexPatternSet(ctx, r.ID))
	next, err = s.UpdateRegexPatternSet(ctx, r.ID, token, func(v store.RegexPatternSet) (store.RegexPatternSet, error) {
		v.RegularExpressions = []string{"x"}
		return v, nil
	})
	must(t, err, "UpdateRegexPatternSet")
	_, err = s.UpdateRegexPatternSet(ctx, r.ID, token, func(v store.RegexPatternSet) (store.RegexPatternSet, error) { return v, nil })
	want(t, err, store.ErrStaleLockToken, "UpdateRegexPatternSet stale")
	listR, err := s.ListRegexPatternSets(ctx)
	must(t, err, "ListRegexPatternSets")
	if len(listR) != 1 || listR[0].LockToken != next || listR[0].RegularExpressions[0] != "x" {
		t.Fatalf("ListRegexPatternSets = %+v", listR)
	}
	must(t, s.DeleteRegexPatternSet(ctx, r.ID, next), "DeleteRegexPatternSet")
}

func testWAFWebACLs(t *testing.T, s store.Store) {
	set := ipSet(t, s, "deny", 1)
	rx := store.RegexPatternSet{WAFEntity: wafEntity("regexpatternset", "paths", 2), RegularExpressions: []string{"^/x"}}
	rxToken, err := s.CreateRegexPatternSet(ctx, rx)
	must(t, err, "CreateRegexPatternSet")
	acl := store.WebACL{WAFEntity: wafEntity("webacl", "front", 3), Document: []byte(`{"Name":"front"}`), References: []string{set.ARN, rx.ARN}}
	token, err := s.CreateWebACL(ctx, acl)
	must(t, err, "CreateWebACL")
	acl.LockToken = token
	foundJSON(t, acl, "GetWebACL")(s.GetWebACL(ctx, acl.ID))

	dangling := store.WebACL{WAFEntity: wafEntity("webacl", "dangling", 4), Document: []byte(`{}`), References: []string{"arn:aws:wafv2:us-east-1:000000000000:regional/ipset/none/x"}}
	_, err = s.CreateWebACL(ctx, dangling)
	want(t, err, store.ErrNotFound, "CreateWebACL referencing a missing set")
	_, err = s.GetWebACL(ctx, dangling.ID)
	want(t, err, store.ErrNotFound, "a refused CreateWebACL left nothing")

	want(t, s.DeleteIPSet(ctx, set.ID, set.LockToken), store.ErrConflict, "DeleteIPSet while a web ACL references it")
	want(t, s.DeleteRegexPatternSet(ctx, rx.ID, rxToken), store.ErrConflict, "DeleteRegexPatternSet while referenced")

	_, err = s.UpdateWebACL(ctx, acl.ID, token, func(v store.WebACL) (store.WebACL, error) {
		v.References = []string{"arn:missing"}
		return v, nil
	})
	want(t, err, store.ErrNotFound, "UpdateWebACL referencing a missing set")
	token, err = s.UpdateWebACL(ctx, acl.ID, token, func(v store.WebACL) (store.WebACL, error) {
		v.References, v.Document = []string{rx.ARN}, []byte(`{"Name":"front","Rules":[]}`)
		return v, nil
	})
	must(t, err, "UpdateWebACL dropping the IP set")
	must(t, s.DeleteIPSet(ctx, set.ID, set.LockToken), "DeleteIPSet once unreferenced")

	stage := "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod"
	pool := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"
	want(t, s.AssociateWebACL(ctx, stage, "00000099-0000-4000-8000-000000000000"), store.ErrNotFound, "AssociateWebACL with a missing web ACL")
	must(t, s.AssociateWebACL(ctx, stage, acl.ID), "AssociateWebACL stage")
	must(t, s.AssociateWebACL(ctx, pool, acl.ID), "AssociateWebACL pool")
	got, err := s.GetWebACLForResource(ctx, stage)
	must(t, err, "GetWebACLForResource")
	if got.ID != acl.ID || got.LockToken != token {
		t.Fatalf("GetWebACLForResource = %+v", got)
	}
	_, err = s.GetWebACLForResource(ctx, "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/dev")
	want(t, err, store.ErrNotFound, "GetWebACLForResource unprotected")
	resources, err := s.ListResourcesForWebACL(ctx, acl.ID)
	must(t, err, "ListResourcesForWebACL")
	sameJSON(t, resources, []string{stage, pool}, "ListResourcesForWebACL ordered")
	want(t, s.DeleteWebACL(ctx, acl.ID, token), store.ErrConflict, "DeleteWebACL while associated")

	other := store.WebACL{WAFEntity: wafEntity("webacl", "other", 5), Document: []byte(`{}`)}
	otherToken, err := s.CreateWebACL(ctx, other)
	must(t, err, "CreateWebACL without references")
	must(t, s.AssociateWebACL(ctx, stage, other.ID), "AssociateWebACL replacing")
	foundJSON(t, []store.WebACLAssociation{{ResourceARN: stage, WebACLID: other.ID}, {ResourceARN: pool, WebACLID: acl.ID}}, "ListWebACLAssociations")(s.ListWebACLAssociations(ctx))

	must(t, s.DisassociateWebACL(ctx, pool), "DisassociateWebACL")
	must(t, s.DisassociateWebACL(ctx, pool), "DisassociateWebACL again")
	want(t, s.DeleteWebACL(ctx, acl.ID, "stale"), store.ErrStaleLockToken, "DeleteWebACL stale")
	must(t, s.DeleteWebACL(ctx, acl.ID, token), "DeleteWebACL")
	must(t, s.DeleteRegexPatternSet(ctx, rx.ID, rxToken), "a deleted web ACL's references go with it")
	want(t, s.DeleteWebACL(ctx, other.ID, otherToken), store.ErrConflict, "DeleteWebACL still protecting the stage")
	lists, err := s.ListWebACLs(ctx)
	must(t, err, "ListWebACLs")
	if len(lists) != 1 || lists[0].ID != other.ID || len(lists[0].References) != 0 || lists[0].References == nil {
		t.Fatalf("ListWebACLs = %+v", lists)
	}
}

// testWAFLockTokenRace: writers holding the same token race; exactly one
// wins, as WAFv2's optimistic locking promises.
func testWAFLockTokenRace(t *testing.T, s store.Store) {
	set := ipSet(t, s, "contended", 1)
	const writers = 8
	var wg sync.WaitGroup
	results := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateIPSet(ctx, set.ID, set.LockToken, func(v store.IPSet) (store.IPSet, error) {
				v.Addresses = []string{fmt.Sprintf("10.0.0.%d/32", i)}
				return v, nil
			})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrStaleLockToken):
			t.Fatalf("a losing writer got %v, want ErrStaleLockToken", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won with one token, want exactly 1", won)
	}
}

package waf

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/moat-dev/moat/internal/store/sqlstore"
)

func TestProtectionsFollowWritesHereAndOnRefreshElsewhere(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	newReplica := func() *Service {
		return NewService(ServiceConfig{Store: st, Engine: newTestEngine(t, Config{}), Region: "us-east-1", Account: "000000000000"})
	}
	here, there := newReplica(), newReplica()
	set, err := here.CreateIPSet(ctx, IPSet{Name: "deny", IPAddressVersion: "IPV4", Addresses: []string{"127.0.0.2/32"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	acl, err := here.CreateWebACL(ctx, decodeACL(t, aclWithRules(blockRule("deny", 0, `{"IPSetReferenceStatement":{"ARN":"`+set.ARN+`"}}`))), nil)
	if err != nil {
		t.Fatal(err)
	}
	stage := StageARN("us-east-1", "api1", "prod")
	blocked := func(s *Service, client string) bool {
		t.Helper()
		p := s.Protection(stage)
		return p != nil && decide(t, p, get(client, "/")).Blocked()
	}
	if here.Protection(stage) != nil || here.ProtectsUserPools() {
		t.Fatal("protected before any association")
	}
	if err := here.AssociateWebACL(ctx, acl.ARN, stage); err != nil {
		t.Fatal(err)
	}
	if !blocked(here, "127.0.0.2") || blocked(here, "127.0.0.3") {
		t.Fatal("the writer's own replica does not enforce the association at once")
	}
	if there.Protection(stage) != nil {
		t.Fatal("the other replica knew before refreshing")
	}
	if err := there.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	first := there.Protection(stage)
	if !blocked(there, "127.0.0.2") {
		t.Fatal("the other replica does not enforce after refreshing")
	}
	if err := there.Refresh(ctx); err != nil || there.Protection(stage) != first {
		t.Fatalf("an unchanged web ACL was recompiled (%v)", err)
	}

	if _, err := here.UpdateIPSet(ctx, "deny", set.ID, set.LockToken, "", []string{"127.0.0.3/32"}); err != nil {
		t.Fatal(err)
	}
	if blocked(here, "127.0.0.2") || !blocked(here, "127.0.0.3") {
		t.Fatal("an IP set change did not reach the writer's replica")
	}
	if err := there.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if there.Protection(stage) == first || !blocked(there, "127.0.0.3") {
		t.Fatal("an IP set change did not recompile the other replica's ACL")
	}
	if here.ProtectsUserPools() {
		t.Fatal("a stage's web ACL counted as a user pool's")
	}
	pool := UserPoolARN("us-east-1", "000000000000", "us-east-1_Pool")
	if err := here.AssociateWebACL(ctx, acl.ARN, pool); err != nil {
		t.Fatal(err)
	}
	if !here.ProtectsUserPools() {
		t.Fatal("a user pool's web ACL went unnoticed")
	}
	if err := here.DisassociateWebACL(ctx, stage); err != nil {
		t.Fatal(err)
	}
	if here.Protection(stage) != nil {
		t.Fatal("still protected after disassociation")
	}
}

package roles

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

var ctx = context.Background()

const (
	cognitoTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:1111"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`
	invokePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:api1/prod/GET/pets"}]}`
)

func openStore(t testing.TB) store.Store {
	t.Helper()
	st := sqlstoretest.Open(t)
	return st
}

func newService(t *testing.T, st store.Store, opts Options) *Service {
	t.Helper()
	s, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantCode fails unless err is an *awserr.Error with code and a message containing msg.
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Code != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("got %v, want %s containing %q", err, code, msg)
	}
}

func TestCreateRole(t *testing.T) {
	s := newService(t, openStore(t), Options{Account: "123456789012"})
	r, err := s.CreateRole(ctx, RoleInput{Name: "app-auth", Path: "/cognito/", AssumeRolePolicy: cognitoTrust, Tags: map[string]string{"team": "core"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ARN != "arn:aws:iam::123456789012:role/cognito/app-auth" || r.MaxSessionDuration != 3600 || len(r.ID) != 21 || !strings.HasPrefix(r.ID, "AROA") || strings.Trim(r.ID[4:], roleIDAlphabet) != "" {
		t.Fatalf("created %+v", r)
	}
	got, err := s.GetRole(ctx, "APP-AUTH")
	if err != nil || got.ARN != r.ARN || got.AssumeRolePolicy != cognitoTrust || got.Tags["team"] != "core" {
		t.Fatalf("GetRole in another case: %+v, %v", got, err)
	}
	_, err = s.CreateRole(ctx, RoleInput{Name: "App-Auth", AssumeRolePolicy: cognitoTrust})
	wantCode(t, err, EntityAlreadyExists, "Role with name App-Auth already exists.")
	if e, _ := awserr.As(err); e.HTTPStatus() != 409 {
		t.Fatalf("EntityAlreadyExists status %d", e.HTTPStatus())
	}
	_, err = s.GetRole(ctx, "nobody")
	wantCode(t, err, NoSuchEntity, "The role with name nobody cannot be found.")

	list, err := s.ListRoles(ctx, "/cognito/")
	if err != nil || len(list) != 1 {
		t.Fatalf("ListRoles /cognito/: %v, %v", list, err)
	}
	if list, err = s.ListRoles(ctx, "/other/"); err != nil || len(list) != 0 {
		t.Fatalf("ListRoles /other/: %v, %v", list, err)
	}
}

func TestCreateRoleValidation(t *testing.T) {
	s := newService(t, openStore(t), Options{})
	long := strings.Repeat("a", 65)
	for _, tc := range []struct {
		name     string
		in       RoleInput
		code     string
		contains string
	}{
		{"empty name", RoleInput{AssumeRolePolicy: cognitoTrust}, ValidationError, "at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"long name", RoleInput{Name: long, AssumeRolePolicy: cognitoTrust}, ValidationError, "length less than or equal to 64"},
		{"bad name", RoleInput{Name: "a/b", AssumeRolePolicy: cognitoTrust}, ValidationError, `[\w+=,.@-]+`},
		{"bad path", RoleInput{Name: "r", Path: "nopath", AssumeRolePolicy: cognitoTrust}, ValidationError, "at 'path'"},
		{"short session", RoleInput{Name: "r", MaxSessionDuration: 60, AssumeRolePolicy: cognitoTrust}, ValidationError, "greater than or equal to 3600"},
		{"long session", RoleInput{Name: "r", MaxSessionDuration: 43201, AssumeRolePolicy: cognitoTrust}, ValidationError, "less than or equal to 43200"},
		{"aws tag", RoleInput{Name: "r", Tags: map[string]string{"aws:x": "y"}, AssumeRolePolicy: cognitoTrust}, ValidationError, "aws:"},
		{"no policy", RoleInput{Name: "r"}, ValidationError, "at 'policyDocument'"},
		{"not JSON", RoleInput{Name: "r", AssumeRolePolicy: "{"}, MalformedPolicyDocument, "Syntax errors in policy"},
		{"no principal", RoleInput{Name: "r", AssumeRolePolicy: invokePolicy}, MalformedPolicyDocument, "must name a Principal"},
		{"resource", RoleInput{Name: "r", AssumeRolePolicy: `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`}, MalformedPolicyDocument, "Has prohibited field Resource"},
		{"cognito without aud", RoleInput{Name: "r", AssumeRolePolicy: `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}`}, MalformedPolicyDocument, "cognito-identity.amazonaws.com:aud"},
		{"cognito with negated aud", RoleInput{Name: "r", AssumeRolePolicy: `{"Statement":{"Effect":"Allow","Principal":{"Federated":["cognito-identity.amazonaws.com"]},"Action":"sts:*","Condition":{"StringNotEquals":{"cognito-identity.amazonaws.com:aud":"x"}}}}`}, MalformedPolicyDocument, "cognito-identity.amazonaws.com:aud"},
		{"cognito through NotAction", RoleInput{Name: "r", AssumeRolePolicy: `{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"NotAction":"sts:AssumeRole"}}`}, MalformedPolicyDocument, "cognito-identity.amazonaws.com:aud"},
		{"big trust policy", RoleInput{Name: "r", AssumeRolePolicy: `{"Statement":{"Sid":"` + strings.Repeat("a", 2100) + `","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`}, LimitExceeded, "ACLSizePerRole: 2048"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateRole(ctx, tc.in)
			wantCode(t, err, tc.code, tc.contains)
		})
	}
	if list, err := s.ListRoles(ctx, ""); err != nil || len(list) != 0 {
		t.Fatalf("refused roles were stored: %v, %v", list, err)
	}
	for _, ok := range []string{
		`{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
		`{"Statement":{"Effect":"Deny","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:TagSession"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":"Cognito-Identity.amazonaws.com"},"Action":"STS:*","Condition":{"StringLike":{"Cognito-Identity.amazonaws.com:AUD":"us-east-1:*"}}}}`,
	} {
		if _, err := ParseTrustPolicy(ok); err != nil {
			t.Errorf("ParseTrustPolicy(%s): %v", ok, err)
		}
	}
}

func TestInlinePolicies(t *testing.T) {
	s := newService(t, openStore(t), Options{})
	if _, err := s.CreateRole(ctx, RoleInput{Name: "r", AssumeRolePolicy: cognitoTrust}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRolePolicy(ctx, "r", "invoke", invokePolicy); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRolePolicy(ctx, "r", "also", invokePolicy); err != nil {
		t.Fatal(err)
	}
	names, err := s.ListRolePolicies(ctx, "r")
	if err != nil || strings.Join(names, ",") != "also,invoke" {
		t.Fatalf("ListRolePolicies: %v, %v", names, err)
	}
	doc, err := s.GetRolePolicy(ctx, "r", "invoke")
	if err != nil || doc != invokePolicy {
		t.Fatalf("GetRolePolicy: %q, %v", doc, err)
	}
	_, err = s.GetRolePolicy(ctx, "r", "missing")
	wantCode(t, err, NoSuchEntity, "The role policy with name missing cannot be found.")
	_, err = s.GetRolePolicy(ctx, "nobody", "invoke")
	wantCode(t, err, NoSuchEntity, "The role with name nobody cannot be found.")

	wantCode(t, s.PutRolePolicy(ctx, "r", "p", cognitoTrust), MalformedPolicyDocument, "Policy document should not specify a principal.")
	wantCode(t, s.PutRolePolicy(ctx, "r", "p", `{"Statement":{"Effect":"Allow","Action":"execute-api:Invoke"}}`), MalformedPolicyDocument, "Resource")
	wantCode(t, s.PutRolePolicy(ctx, "r", "p", `{"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}`), MalformedPolicyDocument, "Effect")
	wantCode(t, s.PutRolePolicy(ctx, "r", "bad name", invokePolicy), ValidationError, "policyName")
	wantCode(t, s.PutRolePolicy(ctx, "nobody", "p", invokePolicy), NoSuchEntity, "nobody")
	big := `{"Statement":{"Sid":"` + strings.Repeat("b", 6000) + `","Effect":"Allow","Action":"*","Resource":"*"}}`
	if err := s.PutRolePolicy(ctx, "r", "big1", big); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.PutRolePolicy(ctx, "r", "big2", big), LimitExceeded, "Maximum policy size of 10240 bytes exceeded for role r")

	wantCode(t, s.DeleteRole(ctx, "r"), DeleteConflict, "must delete policies first")
	for _, name := range []string{"invoke", "also", "big1"} {
		if err := s.DeleteRolePolicy(ctx, "r", name); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.DeleteRolePolicy(ctx, "r", "invoke"), NoSuchEntity, "The role policy with name invoke cannot be found.")
	if err := s.DeleteRole(ctx, "R"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteRole(ctx, "r"), NoSuchEntity, "The role with name r cannot be found.")
}

func TestUpdateAssumeRolePolicy(t *testing.T) {
	s := newService(t, openStore(t), Options{})
	if _, err := s.CreateRole(ctx, RoleInput{Name: "r", AssumeRolePolicy: cognitoTrust}); err != nil {
		t.Fatal(err)
	}
	lambda := `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`
	if err := s.UpdateAssumeRolePolicy(ctx, "r", lambda); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateAssumeRolePolicy(ctx, "r", invokePolicy), MalformedPolicyDocument, "Principal")
	wantCode(t, s.UpdateAssumeRolePolicy(ctx, "nobody", lambda), NoSuchEntity, "nobody")
	r, err := s.GetRole(ctx, "r")
	if err != nil || r.AssumeRolePolicy != lambda {
		t.Fatalf("after update: %q, %v", r.AssumeRolePolicy, err)
	}
}

// TestLookupCache: changes made through the Service show at once; changes
// made elsewhere (another replica, here a second Service on the same store)
// show once the TTL has passed.
func TestLookupCache(t *testing.T) {
	st := openStore(t)
	now := time.Unix(1700000000, 0)
	clock := func() time.Time { return now }
	local := newService(t, st, Options{Now: clock, CacheTTL: time.Hour})
	if local.cache.ttl != maxCacheTTL {
		t.Fatalf("TTL %v not capped at %v", local.cache.ttl, maxCacheTTL)
	}
	other := newService(t, st, Options{Now: clock})
	arn := RoleARN(DefaultAccount, "/", "r")

	_, err := local.Lookup(ctx, arn)
	wantCode(t, err, NoSuchEntity, arn)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Lookup of a missing role: %v does not match store.ErrNotFound", err)
	}
	if _, err := local.CreateRole(ctx, RoleInput{Name: "r", AssumeRolePolicy: cognitoTrust}); err != nil {
		t.Fatal(err)
	}
	ps, err := local.Policies(ctx, arn)
	if err != nil || len(ps) != 0 {
		t.Fatalf("Policies after a local create: %v, %v", ps, err)
	}
	if err := local.PutRolePolicy(ctx, "r", "invoke", invokePolicy); err != nil {
		t.Fatal(err)
	}
	c, err := local.Lookup(ctx, arn)
	if err != nil || len(c.Policies) != 1 || c.Trust == nil || c.Role.Name != "r" {
		t.Fatalf("Lookup after a local put: %+v, %v", c, err)
	}

	if err := other.DeleteRolePolicy(ctx, "r", "invoke"); err != nil {
		t.Fatal(err)
	}
	if ps, _ := local.Policies(ctx, arn); len(ps) != 1 {
		t.Fatalf("a remote change showed before the TTL: %d policies", len(ps))
	}
	now = now.Add(maxCacheTTL)
	if ps, err := local.Policies(ctx, arn); err != nil || len(ps) != 0 {
		t.Fatalf("a remote change did not show after the TTL: %v, %v", ps, err)
	}
}

func TestDeclare(t *testing.T) {
	s := newService(t, openStore(t), Options{})
	d := Declaration{
		RoleInput: RoleInput{Name: "web", Path: "/app/", Description: "from config", AssumeRolePolicy: cognitoTrust, Tags: map[string]string{"owner": "config"}},
		Policies:  map[string]string{"invoke": invokePolicy},
	}
	first, err := s.Declare(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Declare(ctx, d)
	if err != nil || again.ID != first.ID || again.ARN != first.ARN || again.CreatedAt != first.CreatedAt {
		t.Fatalf("declaring again: %+v, %v (first %+v)", again, err, first)
	}
	// API changes to a declared role are undone by the next start.
	if err := s.PutRolePolicy(ctx, "web", "extra", invokePolicy); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAssumeRolePolicy(ctx, "web", `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Declare(ctx, d); err != nil {
		t.Fatal(err)
	}
	r, err := s.GetRole(ctx, "web")
	if err != nil || r.AssumeRolePolicy != cognitoTrust || len(r.InlinePolicies) != 1 || r.InlinePolicies["invoke"] != invokePolicy || r.Description != "from config" {
		t.Fatalf("config did not win: %+v, %v", r, err)
	}
	moved := d
	moved.Path = "/elsewhere/"
	_, err = s.Declare(ctx, moved)
	wantCode(t, err, ValidationError, "path cannot change")
	bad := d
	bad.Policies = map[string]string{"p": cognitoTrust}
	_, err = s.Declare(ctx, bad)
	wantCode(t, err, MalformedPolicyDocument, "should not specify a principal")
}

func TestNewRejectsBadAccount(t *testing.T) {
	if _, err := New(openStore(t), Options{Account: "12345"}); err == nil {
		t.Fatal("a 5-digit account was accepted")
	}
}

package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store/sqlstore"
)

const rolesYAML = `
account-id: "123456789012"
roles:
  - name: web
    path: /app/
    maxSessionDuration: 7200
    tags: {team: core}
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition: {StringEquals: {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}}
    policies:
      invoke: '{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}'
`

func TestRoleConfig(t *testing.T) {
	cfg, err := load(t, []string{"--config", writeFile(t, rolesYAML)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var trust map[string]any
	if err := json.Unmarshal([]byte(cfg.Roles[0].AssumeRolePolicy), &trust); err != nil || trust["Version"] != "2012-10-17" {
		t.Fatalf("a YAML trust policy became %q (%v)", cfg.Roles[0].AssumeRolePolicy, err)
	}
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for range 2 { // a second start changes nothing
		svc, err := newRoles(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.GetRole(ctx, "web")
		if err != nil || r.ARN != "arn:aws:iam::123456789012:role/app/web" || r.MaxSessionDuration != 7200 || len(r.InlinePolicies) != 1 {
			t.Fatalf("declared role: %+v, %v", r, err)
		}
	}

	cfg.Roles = append(cfg.Roles, cfg.Roles[0])
	cfg.Roles[1].Name = "WEB"
	if _, err := newRoles(ctx, st, cfg); err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Fatalf("a role declared twice: %v", err)
	}
	cfg.Roles = cfg.Roles[:1]
	cfg.Roles[0].Policies["bad"] = iam.Document(cfg.Roles[0].AssumeRolePolicy)
	if _, err := newRoles(ctx, st, cfg); err == nil || !strings.Contains(err.Error(), "should not specify a principal") {
		t.Fatalf("a permission policy naming a principal: %v", err)
	}

	if _, err := load(t, []string{"--account-id", "1234"}, nil); err == nil || !strings.Contains(err.Error(), "account-id") {
		t.Fatalf("a short account-id: %v", err)
	}
	if _, err := load(t, []string{"--config", writeFile(t, "roles:\n  - name: r\n    assumeRolePolicy: {1: 2}\n")}, nil); err == nil {
		t.Fatal("a policy with a non-string key was accepted")
	}
}

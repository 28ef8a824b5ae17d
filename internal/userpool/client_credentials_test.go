package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// machineTokenHook edits client_credentials tokens and records what it was told.
type machineTokenHook struct{ events []signin.TokenGenerationEvent }

func (h *machineTokenHook) PreTokenGeneration(_ context.Context, e *signin.TokenGenerationEvent) error {
	h.events = append(h.events, *e)
	e.Access = signin.ClaimChanges{AddOrOverride: map[string]any{"tenant": map[string]any{"id": 7}, "sub": "forged"},
		Suppress: []string{"version", "client_id"}}
	e.ID = signin.ClaimChanges{AddOrOverride: map[string]any{"never": "there"}}
	e.ScopesToAdd, e.ScopesToRemove = []string{"extra/scope"}, []string{"https://api.example/write"}
	return nil
}

// TestClientCredentialsTokenHook: a V3_0 pre-token-generation trigger runs
// for client_credentials (TokenGeneration_ClientCredentials, no user, the
// grant's scopes and aws_client_metadata) and edits the access token's
// claims and scopes, immutable ones aside; V1_0 and V2_0 triggers are not
// run for it.
func TestClientCredentialsTokenHook(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	hook := &machineTokenHook{}
	s.hooks = signin.Hooks{PreTokenGeneration: hook}
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "m2m", PoolConfig: PoolConfig{LambdaConfig: &signin.LambdaConfig{
		PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: signin.TokenEventV3}}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	if _, err := s.CreateResourceServer(ctx, &ResourceServerInput{UserPoolId: poolID, Identifier: "https://api.example", Name: "API",
		Scopes: []ResourceServerScopeType{{"read", "read it"}, {"write", "write it"}}}); err != nil {
		t.Fatal(err)
	}
	clientID := apiMachineClient(t, s, poolID)
	grant := ClientCredentialsGrant{ClientID: clientID, ClientMetadata: map[string]string{"env": "dev"}, Caller: testCaller}
	tok, err := s.ClientCredentialsToken(ctx, grant)
	if err != nil {
		t.Fatal(err)
	}
	if len(hook.events) != 1 {
		t.Fatalf("the V3_0 hook ran %d times", len(hook.events))
	}
	e := hook.events[0]
	if e.Source != signin.TokensForClientCredentials || e.Username != "" || e.UserAttributes == nil || len(e.UserAttributes) != 0 ||
		e.PoolID != poolID || e.ClientID != clientID || e.ClientMetadata["env"] != "dev" || e.Caller != testCaller ||
		strings.Join(e.Scopes, " ") != "https://api.example/read https://api.example/write" {
		t.Fatalf("the hook was told %+v", e)
	}
	claims := testenv.JWTClaims(t, tok.AccessToken)
	if tenant, _ := claims["tenant"].(map[string]any); tenant["id"] != float64(7) || claims["sub"] != clientID ||
		claims["client_id"] != clientID || claims["version"] != nil || claims["never"] != nil ||
		claims["scope"] != "https://api.example/read extra/scope" || tok.IdToken != "" {
		t.Fatalf("the access token after the hook: %v", claims)
	}

	for _, version := range []string{signin.TokenEventV1, signin.TokenEventV2} {
		if _, err := s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: poolID, PoolConfig: PoolConfig{LambdaConfig: &signin.LambdaConfig{
			PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: version}}}}); err != nil {
			t.Fatal(err)
		}
		tok, err := s.ClientCredentialsToken(ctx, grant)
		if err != nil {
			t.Fatal(err)
		}
		if len(hook.events) != 1 || testenv.JWTClaims(t, tok.AccessToken)["tenant"] != nil {
			t.Fatalf("a %s hook ran for client_credentials", version)
		}
	}
}

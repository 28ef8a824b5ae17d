package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// Resource servers: Cognito's constraints, whole-list updates, and a
// deleted scope dropping out of the tokens of a client still allowed it.
func TestResourceServers(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	scopes := []ResourceServerScopeType{{"read", "read it"}, {"write", "write it"}}
	for name, in := range map[string]ResourceServerInput{
		"slash in a scope":     {Identifier: "api", Name: "API", Scopes: []ResourceServerScopeType{{"a/b", "x"}}},
		"quote in identifier":  {Identifier: `a"b`, Name: "API"},
		"empty description":    {Identifier: "api", Name: "API", Scopes: []ResourceServerScopeType{{"read", ""}}},
		"duplicate scope":      {Identifier: "api", Name: "API", Scopes: []ResourceServerScopeType{{"read", "x"}, {"read", "y"}}},
		"name with a bad char": {Identifier: "api", Name: "A/PI"},
	} {
		in.UserPoolId = poolID
		if _, err := s.CreateResourceServer(ctx, &in); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			wantCode(t, err, awserr.InvalidParameter, "")
		}
	}
	if _, err := s.CreateResourceServer(ctx, &ResourceServerInput{UserPoolId: poolID, Identifier: "https://api.example", Name: "API", Scopes: scopes}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateResourceServer(ctx, &ResourceServerInput{UserPoolId: poolID, Identifier: "https://api.example", Name: "again"})
	wantCode(t, err, awserr.InvalidParameter, "https://api.example already exists in user pool "+poolID+".")

	clientID := apiMachineClient(t, s, poolID)
	tok, err := s.ClientCredentialsToken(ctx, ClientCredentialsGrant{ClientID: clientID})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := s.tokens.Verify(ctx, tok.AccessToken)
	if err != nil || strings.Join(claims.Scopes, " ") != "https://api.example/read https://api.example/write" || claims.Subject != clientID || claims.Username != "" {
		t.Fatalf("client_credentials token: %+v (%v)", claims, err)
	}
	if _, err := s.ClientCredentialsToken(ctx, ClientCredentialsGrant{ClientID: clientID, Scopes: []string{"https://api.example/admin"}}); err != ErrScopeRefused {
		t.Fatalf("a scope the client is not allowed: %v", err)
	}

	// Update replaces the list: write is gone, and with it from the token.
	if _, err := s.UpdateResourceServer(ctx, &ResourceServerInput{UserPoolId: poolID, Identifier: "https://api.example", Name: "API v2",
		Scopes: scopes[:1]}); err != nil {
		t.Fatal(err)
	}
	tok, err = s.ClientCredentialsToken(ctx, ClientCredentialsGrant{ClientID: clientID})
	if err != nil {
		t.Fatal(err)
	}
	if claims, _ := s.tokens.Verify(ctx, tok.AccessToken); strings.Join(claims.Scopes, " ") != "https://api.example/read" {
		t.Fatalf("after the update the token carries %v", claims.Scopes)
	}
	list, err := s.ListResourceServers(ctx, &PoolPageInput{UserPoolId: poolID})
	if err != nil || len(list.ResourceServers) != 1 || list.ResourceServers[0].Name != "API v2" || len(list.ResourceServers[0].Scopes) != 1 {
		t.Fatalf("ListResourceServers: %+v %v", list, err)
	}
	if _, err := s.DeleteResourceServer(ctx, &ResourceServerRef{UserPoolId: poolID, Identifier: "https://api.example"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.DescribeResourceServer(ctx, &ResourceServerRef{UserPoolId: poolID, Identifier: "https://api.example"})
	wantCode(t, err, awserr.ResourceNotFound, "")
	if _, err := s.ClientCredentialsToken(ctx, ClientCredentialsGrant{ClientID: clientID}); err != ErrScopeRefused {
		t.Fatalf("every scope deleted: %v", err)
	}
}

// apiMachineClient makes a client_credentials client allowed the read and
// write scopes of the resource server https://api.example.
func apiMachineClient(t *testing.T, s *Service, poolID string) string {
	t.Helper()
	c, err := s.CreateUserPoolClient(context.Background(), &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "m", GenerateSecret: true,
		ClientConfig: ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{FlowClientCredentials},
			AllowedOAuthScopes: []string{"https://api.example/read", "https://api.example/write"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.UserPoolClient.ClientId
}

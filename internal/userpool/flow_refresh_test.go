package userpool

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// signedInClient makes a pool, a client with cfg (and a secret) and a user,
// and signs the user in; it returns the client and the first tokens.
func signedInClient(t *testing.T, s *Service, cfg ClientConfig) (*UserPoolClientType, *AuthenticationResult) {
	t.Helper()
	ctx := context.Background()
	poolID := newTestPool(t, s)
	cfg.ExplicitAuthFlows = []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	c, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "web", GenerateSecret: true, ClientConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "rita", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: poolID, Username: "rita", Password: "Corr3ct-Horse!", Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err := s.AdminInitiateAuth(ctx, testCaller, &AdminInitiateAuthInput{UserPoolId: poolID, InitiateAuthInput: InitiateAuthInput{
		AuthFlow: "ADMIN_USER_PASSWORD_AUTH", ClientId: c.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "rita", "PASSWORD": "Corr3ct-Horse!", "SECRET_HASH": secretHashB64(c.UserPoolClient, "rita")}}})
	if err != nil {
		t.Fatal(err)
	}
	return &c.UserPoolClient, out.AuthenticationResult
}

func TestGetTokensFromRefreshToken(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	c, first := signedInClient(t, s, ClientConfig{})
	get := func(token, secret string) (*GetTokensFromRefreshTokenOutput, error) {
		return s.GetTokensFromRefreshToken(ctx, testCaller, &GetTokensFromRefreshTokenInput{ClientId: c.ClientId, RefreshToken: token, ClientSecret: secret})
	}
	out, err := get(first.RefreshToken, c.ClientSecret)
	if err != nil || out.AuthenticationResult.AccessToken == "" || out.AuthenticationResult.IdToken == "" || out.AuthenticationResult.RefreshToken != "" {
		t.Fatalf("without rotation: %+v %v; want new ID and access tokens only", out, err)
	}
	if _, err := s.GetUser(ctx, &AccessTokenInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("GetUser with the refreshed access token: %v", err)
	}
	_, err = get(first.RefreshToken, "")
	wantCode(t, err, awserr.NotAuthorized, "Client "+c.ClientId+" is configured with secret but ClientSecret was not received")
	_, err = get(first.RefreshToken, "wrong")
	wantCode(t, err, awserr.NotAuthorized, "Unable to verify secret for client "+c.ClientId)
	_, err = get("not-a-token", c.ClientSecret)
	wantCode(t, err, awserr.NotAuthorized, "Invalid Refresh Token")
	_, err = get("", c.ClientSecret)
	wantCode(t, err, awserr.InvalidParameter, "1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null")
	_, err = s.GetTokensFromRefreshToken(ctx, testCaller, &GetTokensFromRefreshTokenInput{ClientId: c.ClientId, RefreshToken: first.RefreshToken,
		ClientSecret: c.ClientSecret, DeviceKey: "us-east-1_d3v1c3"})
	wantCode(t, err, awserr.ResourceNotFound, "Device does not exist.")
}

func TestRefreshTokenRotation(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	now := time.Now()
	s.now = func() time.Time { return now }
	grace := int64(10)
	c, first := signedInClient(t, s, ClientConfig{RefreshTokenRotation: &RefreshTokenRotation{Feature: "ENABLED", RetryGracePeriodSeconds: &grace}})
	get := func(token string) (*AuthenticationResult, error) {
		out, err := s.GetTokensFromRefreshToken(ctx, testCaller, &GetTokensFromRefreshTokenInput{ClientId: c.ClientId, RefreshToken: token, ClientSecret: c.ClientSecret})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	second, err := get(first.RefreshToken)
	if err != nil || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("rotation: %+v %v; want a new refresh token", second, err)
	}
	// Within the grace period the old token still works (a retry); after
	// it, it is refused, and the new one goes on working.
	now = now.Add(time.Duration(grace-1) * time.Second)
	if retry, err := get(first.RefreshToken); err != nil || retry.RefreshToken == "" {
		t.Fatalf("retry within the grace period: %+v %v", retry, err)
	}
	now = now.Add(2 * time.Second)
	_, err = get(first.RefreshToken)
	wantCode(t, err, awserr.NotAuthorized, "Refresh Token has been revoked")
	third, err := get(second.RefreshToken)
	if err != nil || third.RefreshToken == "" {
		t.Fatalf("the rotated-in token: %+v %v", third, err)
	}
	if _, err := s.GetUser(ctx, &AccessTokenInput{AccessToken: third.AccessToken}); err != nil {
		t.Fatalf("GetUser with the rotated session's access token: %v", err)
	}
	// REFRESH_TOKEN_AUTH cannot rotate, so a rotating client refuses it.
	_, err = s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: c.ClientId,
		AuthParameters: map[string]string{"REFRESH_TOKEN": third.RefreshToken, "SECRET_HASH": secretHashB64(*c, "rita")}})
	wantCode(t, err, awserr.InvalidParameter, "Refresh token rotation is enabled for this client; refresh tokens with GetTokensFromRefreshToken.")

	// Without a grace period the old token is refused at once.
	zero := int64(0)
	_, err = s.UpdateUserPoolClient(ctx, &UpdateUserPoolClientInput{UserPoolId: c.UserPoolId, ClientId: c.ClientId,
		ClientConfig: ClientConfig{ExplicitAuthFlows: c.ExplicitAuthFlows, RefreshTokenRotation: &RefreshTokenRotation{Feature: "ENABLED", RetryGracePeriodSeconds: &zero}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := get(third.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = get(third.RefreshToken)
	wantCode(t, err, awserr.NotAuthorized, "Refresh Token has been revoked")

	for _, bad := range []RefreshTokenRotation{{Feature: "ON"}, {Feature: "ENABLED", RetryGracePeriodSeconds: new(int64(61))}} {
		_, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: c.UserPoolId, ClientName: "bad", ClientConfig: ClientConfig{RefreshTokenRotation: &bad}})
		wantCode(t, err, awserr.InvalidParameter, "")
	}
}

func secretHashB64(c UserPoolClientType, username string) string {
	return base64.StdEncoding.EncodeToString(secretHash(c.ClientSecret, username, c.ClientId))
}

package userpool

import (
	"context"
	"testing"
	"time"
)

// benchUser sets up a pool, a public client and a confirmed user.
func benchUser(b *testing.B) (*Service, string) {
	ctx := context.Background()
	s := newTestService(b)
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "bench",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: "bench", MessageAction: "SUPPRESS"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.AdminSetUserPassword(ctx, &AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: "bench", Password: "Bench-Pass-1", Permanent: true}); err != nil {
		b.Fatal(err)
	}
	return s, c.UserPoolClient.ClientId
}

func signIn(b *testing.B, s *Service, clientID string) *AuthenticationResult {
	out, err := s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientID,
		AuthParameters: map[string]string{"USERNAME": "bench", "PASSWORD": "Bench-Pass-1"}})
	if err != nil {
		b.Fatal(err)
	}
	return out.AuthenticationResult
}

func BenchmarkSignIn(b *testing.B) {
	s, clientID := benchUser(b)
	for b.Loop() {
		signIn(b, s, clientID)
	}
}

func BenchmarkRefresh(b *testing.B) {
	s, clientID := benchUser(b)
	refresh := signIn(b, s, clientID).RefreshToken
	for b.Loop() {
		if _, err := s.InitiateAuth(context.Background(), testCaller, &InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetUser(b *testing.B) {
	s, clientID := benchUser(b)
	access := signIn(b, s, clientID).AccessToken
	for b.Loop() {
		if _, err := s.GetUser(context.Background(), &AccessTokenInput{AccessToken: access}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTOTPStep is the cost of checking one TOTP code (three steps).
func BenchmarkTOTPStep(b *testing.B) {
	secret := newTOTPSecret()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		totpStep(secret, "123456", now, 0)
	}
}

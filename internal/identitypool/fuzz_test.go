package identitypool

import (
	"testing"
	"time"
)

// FuzzLogins feeds arbitrary Logins entries through verification: whatever
// comes in, the answer is a login or a Cognito-shaped client error, never a
// panic or an internal error.
func FuzzLogins(f *testing.F) {
	fx := newFixture(f)
	fx.userPool(f, userPoolID)
	outside := newOIDCIssuer(f)
	poolID := fx.identityPool(f, IdentityPool{IdentityPoolName: "fuzz", DeveloperProviderName: "login.example",
		SupportedLoginProviders:  map[string]string{outside.srv.URL: "app-1"},
		CognitoIdentityProviders: []Provider{{ProviderName: awsKey, ClientId: clientID}}})
	pool := must(fx.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: poolID}))
	good := fx.idToken(f, userPoolID, clientID, "alice", nil)
	own := must(fx.mintOpenID("us-east-1:0f0f", poolID, []string{"authenticated"}, nil, time.Minute))
	for _, seed := range [][2]string{
		{awsKey, good}, {"moat.test/" + userPoolID, good}, {"http://moat.test/" + userPoolID, good[:len(good)-3]},
		{cognitoIdentityKey, own}, {cognitoIdentityKey, good}, {outside.srv.URL, outside.token(f, nil)}, {outside.srv.URL, good},
		{"cognito-idp.us-east-1.amazonaws.com/us-east-1_", "a.b.c"}, {"moat.test/", ""}, {"login.example", "u"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, key, token string) {
		logins, err := fx.verifyLogins(ctx, pool, map[string]string{key: token})
		if err != nil {
			wantClientError(t, err)
			return
		}
		if len(logins) != 1 || logins[0].subject == "" {
			t.Fatalf("accepted %q as %+v", key, logins)
		}
	})
}

// FuzzProviderKey checks that a key read as a user pool round-trips to a
// key naming the same pool.
func FuzzProviderKey(f *testing.F) {
	s := &Service{region: "us-east-1", issuerHost: "moat.test"}
	for _, seed := range []string{awsKey, "moat.test/" + userPoolID, "https://moat.test/x_1", "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_a", "moat.test//x_1", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		id, ok := s.userPoolOf(key)
		if !ok {
			return
		}
		if again, ok := s.userPoolOf(s.providerKey(id)); !ok || again != id {
			t.Fatalf("%q names pool %q, but its canonical key names %q", key, id, again)
		}
	})
}

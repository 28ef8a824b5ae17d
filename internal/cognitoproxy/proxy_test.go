package cognitoproxy

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/throttle"
)

// The secret and the hashes below were computed apart from this code
// (Python's hmac): HMAC-SHA256(secret, username+clientId), base64.
const (
	testSecret    = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn"
	secretClient  = "7example23456789"
	publicClient  = "1public"
	aliceHash     = "T3o5e3gLEriZtHHPW5XAfuunr6gXsweFQl/8NkS3Hig="
	internalHash  = "j0oJxlL6keIbwmnsa0yEBh21ZTIynrgX6N6hy2SLIo8="
	internalName  = "6f1c-sub"
	cognitoTarget = TargetPrefix
)

func testKey(t testing.TB) sealing.DataKey {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	k, err := sealing.NewDataKey("test", raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTestProxy(t testing.TB, s Settings) *Proxy {
	t.Helper()
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s.Upstream == "" {
		s.Upstream = MoatUpstream
	}
	s.Clients = append(s.Clients, Client{ClientID: secretClient, SecretFromFile: file}, Client{ClientID: publicClient})
	p, err := New(s, testKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rewrite(t *testing.T, p *Proxy, op string, body any) (*Call, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	c, err := p.Rewrite(t.Context(), cognitoTarget+op, raw)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	var out map[string]any
	if err := json.Unmarshal(c.Body, &out); err != nil {
		t.Fatalf("%s: rewritten body %q: %v", op, c.Body, err)
	}
	return c, out
}

func refused(t *testing.T, p *Proxy, op, body, code, message string) {
	t.Helper()
	_, err := p.Rewrite(t.Context(), cognitoTarget+op, []byte(body))
	e, ok := awserr.As(err)
	if !ok || e.Code != code || (message != "" && e.Message != message) {
		t.Errorf("%s %s: %v, want %s %q", op, body, err, code, message)
	}
}

func TestSecretHashGoesWhereEachOperationWantsIt(t *testing.T) {
	p := newTestProxy(t, Settings{})
	for _, op := range []string{"SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword"} {
		c, out := rewrite(t, p, op, map[string]any{"ClientId": secretClient, "Username": "alice", "SecretHash": "forged", "Password": "x"})
		if out["SecretHash"] != aliceHash || out["Password"] != "x" || c.UserKey == "" {
			t.Errorf("%s: %v (user key %q)", op, out, c.UserKey)
		}
	}
	_, out := rewrite(t, p, "InitiateAuth", map[string]any{"ClientId": secretClient, "AuthFlow": "USER_SRP_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "alice", "SRP_A": "abc"}})
	if params := out["AuthParameters"].(map[string]any); params["SECRET_HASH"] != aliceHash || params["SRP_A"] != "abc" {
		t.Errorf("InitiateAuth: %v", params)
	}
	// The answer to PASSWORD_VERIFIER names the user as USER_ID_FOR_SRP
	// said: Cognito's own username, which the hash must be over.
	_, out = rewrite(t, p, "RespondToAuthChallenge", map[string]any{"ClientId": secretClient, "ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeResponses": map[string]string{"USERNAME": internalName, "PASSWORD_CLAIM_SIGNATURE": "sig"}})
	if r := out["ChallengeResponses"].(map[string]any); r["SECRET_HASH"] != internalHash || r["PASSWORD_CLAIM_SIGNATURE"] != "sig" {
		t.Errorf("RespondToAuthChallenge: %v", r)
	}
	// A public client's calls pass as they are.
	_, out = rewrite(t, p, "SignUp", map[string]any{"ClientId": publicClient, "Username": "alice"})
	if _, has := out["SecretHash"]; has {
		t.Errorf("a client without a secret got a SecretHash: %v", out)
	}
}

// accessToken is a JWT-shaped token for alice (its signature is not checked here).
func accessToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature-bytes"))
}

func TestRefreshCarriesItsUser(t *testing.T) {
	p := newTestProxy(t, Settings{})
	signIn, _ := rewrite(t, p, "InitiateAuth", map[string]any{"ClientId": secretClient, "AuthFlow": "USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "alice@example.com", "PASSWORD": "pw"}})
	access := accessToken(`{"sub":"6f1c-sub","username":"` + internalName + `"}`)
	answer, err := p.Answer(signIn, []byte(`{"AuthenticationResult":{"AccessToken":"`+access+`","IdToken":"id","RefreshToken":"upstream-refresh","ExpiresIn":3600},"ChallengeParameters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ AuthenticationResult map[string]any }
	_ = json.Unmarshal(answer, &got)
	wrapped, _ := got.AuthenticationResult["RefreshToken"].(string)
	if !strings.HasPrefix(wrapped, refreshPrefix) || strings.Contains(wrapped, "upstream-refresh") || got.AuthenticationResult["AccessToken"] != access || got.AuthenticationResult["ExpiresIn"] != 3600.0 {
		t.Fatalf("answer: %s", answer)
	}
	c, out := rewrite(t, p, "InitiateAuth", map[string]any{"ClientId": secretClient, "AuthFlow": "REFRESH_TOKEN_AUTH",
		"AuthParameters": map[string]string{"REFRESH_TOKEN": wrapped}})
	params := out["AuthParameters"].(map[string]any)
	if params["REFRESH_TOKEN"] != "upstream-refresh" || params["SECRET_HASH"] != internalHash || c.UserKey == "" {
		t.Errorf("refresh: %v", params)
	}
	_, out = rewrite(t, p, "GetTokensFromRefreshToken", map[string]any{"ClientId": secretClient, "RefreshToken": wrapped})
	if out["RefreshToken"] != "upstream-refresh" || out["ClientSecret"] != testSecret {
		t.Errorf("GetTokensFromRefreshToken: %v", out)
	}
	_, out = rewrite(t, p, "RevokeToken", map[string]any{"ClientId": secretClient, "Token": wrapped})
	if out["Token"] != "upstream-refresh" || out["ClientSecret"] != testSecret {
		t.Errorf("RevokeToken: %v", out)
	}
	// A refresh token the proxy did not wrap, or wrapped for another
	// client, names no user to hash.
	refused(t, p, "InitiateAuth", `{"ClientId":"`+secretClient+`","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"upstream-refresh"}}`, awserr.NotAuthorized, "Invalid Refresh Token")
	refused(t, p, "GetTokensFromRefreshToken", `{"ClientId":"`+secretClient+`","RefreshToken":"upstream-refresh"}`, awserr.NotAuthorized, "Invalid Refresh Token")
	refused(t, p, "RevokeToken", `{"ClientId":"`+secretClient+`","Token":"upstream-refresh"}`, awserr.NotAuthorized, "Invalid Refresh Token")
	other := p.keys.wrapRefresh(publicClient, internalName, "upstream-refresh")
	refused(t, p, "InitiateAuth", `{"ClientId":"`+secretClient+`","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"`+other+`"}}`, awserr.NotAuthorized, "Invalid Refresh Token")
}

func TestSealedTokensOpenOnlyHere(t *testing.T) {
	p := newTestProxy(t, Settings{SealTokens: true})
	signIn, _ := rewrite(t, p, "InitiateAuth", map[string]any{"ClientId": secretClient, "AuthFlow": "USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "alice", "PASSWORD": "pw"}})
	access := accessToken(`{"sub":"6f1c-sub","username":"alice"}`)
	id := accessToken(`{"sub":"6f1c-sub","token_use":"id"}`)
	answer, err := p.Answer(signIn, []byte(`{"AuthenticationResult":{"AccessToken":"`+access+`","IdToken":"`+id+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ AuthenticationResult map[string]string }
	_ = json.Unmarshal(answer, &got)
	sealedAccess, sealedID := got.AuthenticationResult["AccessToken"], got.AuthenticationResult["IdToken"]
	// Clients still read the claims; the signature is no longer the upstream's.
	if sealedAccess == access || readClaims(sealedAccess).Sub != "6f1c-sub" || sealedID == id || readClaims(sealedID).Sub != "6f1c-sub" {
		t.Fatalf("sealed: %s", answer)
	}
	c, out := rewrite(t, p, "GetUser", map[string]any{"AccessToken": sealedAccess})
	if out["AccessToken"] != access || c.UserKey == "" {
		t.Errorf("GetUser: %v", out)
	}
	other := newTestProxy(t, Settings{SealTokens: true})
	parts := strings.Split(sealedAccess, ".")
	changed := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"someone-else"}`)) + "." + parts[2]
	for name, token := range map[string]string{"the upstream's own token": access, "an ID token": sealedID,
		"another proxy's": other.keys.sealJWT("access", access), "one with changed claims": changed} {
		_, err := p.Rewrite(t.Context(), cognitoTarget+"GetUser", []byte(`{"AccessToken":"`+token+`"}`))
		if e, ok := awserr.As(err); !ok || e.Message != "Invalid Access Token" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAllowListAndClients(t *testing.T) {
	p := newTestProxy(t, Settings{Operations: []string{"InitiateAuth", "RespondToAuthChallenge"}})
	refused(t, p, "SignUp", `{"ClientId":"`+secretClient+`","Username":"a"}`, awserr.NotAuthorized, "SignUp is not allowed through this proxy.")
	refused(t, p, "AdminCreateUser", `{"UserPoolId":"us-east-1_x","Username":"a"}`, awserr.NotAuthorized, "AdminCreateUser is not allowed through this proxy.")
	all := newTestProxy(t, Settings{})
	for _, op := range []string{"AdminInitiateAuth", "AdminGetUser", "ListUsers", "CreateUserPoolClient", "DescribeUserPoolClient", ""} {
		refused(t, all, op, `{}`, awserr.NotAuthorized, op+" is not allowed through this proxy.")
	}
	_, err := all.Rewrite(t.Context(), "AWSCognitoIdentityService.GetId", []byte(`{}`))
	if e, ok := awserr.As(err); !ok || e.Code != awserr.UnknownOperation {
		t.Errorf("another service's target: %v", err)
	}
	refused(t, all, "SignUp", `{"ClientId":"someone-elses","Username":"a"}`, awserr.ResourceNotFound, "User pool client someone-elses does not exist.")
	refused(t, all, "InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH"}`, awserr.InvalidParameter, "")
	// Look-alike keys would reach a server that reads names without regard to case.
	refused(t, all, "SignUp", `{"ClientId":"`+secretClient+`","clientid":"someone-elses","Username":"a"}`, awserr.Serialization, "")
	refused(t, all, "InitiateAuth", `{"ClientId":"`+secretClient+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"a","username":"b"}}`, awserr.Serialization, "")
	refused(t, all, "SignUp", `[1]`, awserr.Serialization, "")
	refused(t, all, "SignUp", `{"ClientId":5}`, awserr.Serialization, "")
	refused(t, all, "InitiateAuth", `{"ClientId":"`+secretClient+`","AuthParameters":{"USERNAME":1}}`, awserr.Serialization, "")
}

func TestSettingsRefuseWhatCannotBeHonoured(t *testing.T) {
	for name, s := range map[string]Settings{
		"no upstream":        {Clients: []Client{{ClientID: "c"}}},
		"a URL with a query": {Upstream: "https://cognito-idp.eu-west-1.amazonaws.com/?x=1", Clients: []Client{{ClientID: "c"}}},
		"no clients":         {Upstream: MoatUpstream},
		"a client twice":     {Upstream: MoatUpstream, Clients: []Client{{ClientID: "c"}, {ClientID: "c"}}},
		"two secret sources": {Upstream: MoatUpstream, Clients: []Client{{ClientID: "c", SecretFromEnv: "A", SecretFromFile: "/x"}}},
		"an admin operation": {Upstream: MoatUpstream, Clients: []Client{{ClientID: "c"}}, Operations: []string{"AdminCreateUser"}},
		"a signed operation": {Upstream: MoatUpstream, Clients: []Client{{ClientID: "c"}}, Operations: []string{"ListUsers"}},
		"a limit of nothing": {Upstream: MoatUpstream, Clients: []Client{{ClientID: "c"}}, UserLimit: &throttle.Rate{PerMinute: 0, Burst: 1}},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := New(Settings{Upstream: MoatUpstream, Clients: []Client{{ClientID: "c", SecretFromEnv: "MOAT_TEST_UNSET_SECRET"}}}, testKey(t), nil)
	if err == nil || !strings.Contains(err.Error(), "MOAT_TEST_UNSET_SECRET") {
		t.Errorf("a missing secret: %v", err)
	}
	if err := (Settings{Upstream: "https://cognito-idp.eu-west-1.amazonaws.com", Clients: []Client{{ClientID: "c"}}}).Validate(); err != nil {
		t.Errorf("Amazon Cognito's endpoint: %v", err)
	}
}

func TestChangesNameTheUserNeverASecret(t *testing.T) {
	p := newTestProxy(t, Settings{})
	access := accessToken(`{"sub":"6f1c-sub","username":"alice","iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"}`)
	for _, step := range []struct {
		op, body, answer string
		want             *Change
	}{
		{"SignUp", `{"ClientId":"` + secretClient + `","Username":"Alice","Password":"Pass-word-1"}`, `{"UserSub":"6f1c-sub","UserConfirmed":false}`,
			&Change{DetailType: "User Signed Up", Stream: "cognito-proxy//alice", Detail: ChangeDetail{Sub: "6f1c-sub", Username: "Alice", Operation: "SignUp", ClientID: secretClient}}},
		{"InitiateAuth", `{"ClientId":"` + secretClient + `","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"1"}}`, `{"ChallengeName":"PASSWORD_VERIFIER"}`, nil},
		{"RespondToAuthChallenge", `{"ClientId":"` + secretClient + `","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"alice"}}`,
			`{"AuthenticationResult":{"AccessToken":"` + access + `","RefreshToken":"r"}}`,
			&Change{DetailType: "User Signed In", Stream: "cognito-proxy/eu-west-1_AbC123/alice", Detail: ChangeDetail{UserPoolID: "eu-west-1_AbC123", Sub: "6f1c-sub", Username: "alice", Operation: "RespondToAuthChallenge", ClientID: secretClient}}},
		{"UpdateUserAttributes", `{"AccessToken":"` + access + `","UserAttributes":[{"Name":"email","Value":"secret@example.com"},{"Name":"email"}]}`, `{}`,
			&Change{DetailType: "User Attributes Updated", Stream: "cognito-proxy/eu-west-1_AbC123/alice", Detail: ChangeDetail{UserPoolID: "eu-west-1_AbC123", Sub: "6f1c-sub", Username: "alice", Operation: "UpdateUserAttributes", ChangedAttributes: []string{"email"}}}},
		{"GetUser", `{"AccessToken":"` + access + `"}`, `{}`, nil},
	} {
		c, err := p.Rewrite(t.Context(), TargetPrefix+step.op, []byte(step.body))
		if err != nil {
			t.Fatalf("%s: %v", step.op, err)
		}
		got, ok := p.Change(c, []byte(step.answer))
		switch {
		case step.want == nil && ok:
			t.Errorf("%s changed %+v", step.op, got)
		case step.want != nil && (!ok || !reflect.DeepEqual(got, *step.want)):
			t.Errorf("%s: %+v, want %+v", step.op, got, *step.want)
		}
	}
}

// An unsealed access token names a budget only once its pool's signature
// proves its sub.
func TestUnsealedTokensSpendOnlyProvenBudgets(t *testing.T) {
	token := accessToken(`{"sub":"victim-sub"}`)
	body := []byte(`{"AccessToken":"` + token + `"}`)
	for name, c := range map[string]struct {
		verify  SubjectVerifier
		keyed   bool
		refused bool
	}{
		"no verifier":        {nil, false, false},
		"proven":             {func(context.Context, string) (string, error) { return "victim-sub", nil }, true, false},
		"forged":             {func(context.Context, string) (string, error) { return "", ErrForged }, false, true},
		"keys not to be had": {func(context.Context, string) (string, error) { return "", errors.New("JWKS down") }, false, false},
	} {
		p, err := New(Settings{Upstream: MoatUpstream, Clients: []Client{{ClientID: "c"}}}, testKey(t), c.verify)
		if err != nil {
			t.Fatal(err)
		}
		call, err := p.Rewrite(t.Context(), TargetPrefix+"GetUser", body)
		switch {
		case c.refused:
			if e, ok := awserr.As(err); !ok || e.Message != "Invalid Access Token" {
				t.Errorf("%s: %v", name, err)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case (call.UserKey != "") != c.keyed:
			t.Errorf("%s: user key %q", name, call.UserKey)
		}
	}
}

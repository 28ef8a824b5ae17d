package cognitoproxy

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// FuzzRewrite: whatever a client sends, the rewriter answers with a
// Cognito client error or a body that, read as Cognito reads it (field
// names without regard to case), names a client the proxy serves and
// carries the SECRET_HASH of the user it names.
func FuzzRewrite(f *testing.F) {
	p := newTestProxy(f, Settings{SealTokens: true})
	wrapped := p.keys.wrapRefresh(secretClient, internalName, "upstream-refresh")
	for _, seed := range []struct{ op, body string }{
		{"SignUp", `{"ClientId":"` + secretClient + `","Username":"alice","Password":"pw","SecretHash":"x"}`},
		{"SignUp", `{"ClientId":"` + secretClient + `","clientId":"other","Username":"a"}`},
		{"InitiateAuth", `{"ClientId":"` + secretClient + `","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"1"}}`},
		{"InitiateAuth", `{"ClientId":"` + secretClient + `","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"` + wrapped + `"}}`},
		{"RespondToAuthChallenge", `{"ClientId":"` + publicClient + `","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"u"}}`},
		{"GetTokensFromRefreshToken", `{"ClientId":"` + secretClient + `","RefreshToken":"` + wrapped + `"}`},
		{"GetUser", `{"AccessToken":"a.b.c"}`},
		{"AdminCreateUser", `{"UserPoolId":"p"}`},
		{"ConfirmSignUp", `{"ClientId":"` + secretClient + `","Username":"\u0000\ud800","ClientId":"x"}`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		c, err := p.Rewrite(t.Context(), TargetPrefix+op, body)
		if err != nil {
			if e, ok := awserr.As(err); !ok || e.HTTPStatus() >= 500 {
				t.Fatalf("%s %q: %v is not a Cognito client error", op, body, err)
			}
			return
		}
		if !slices.Contains(PublicOperations, op) {
			t.Fatalf("%s passed", op)
		}
		// encoding/json matches field names without regard to case, as
		// Cognito's server and moat's do.
		var seen struct {
			ClientId       string
			Username       string
			SecretHash     string
			AuthFlow       string
			AuthParameters map[string]string
		}
		if err := json.Unmarshal(c.Body, &seen); err != nil {
			var any map[string]any
			if json.Unmarshal(c.Body, &any) != nil {
				t.Fatalf("%s %q: the rewritten body %q is not a JSON object", op, body, c.Body)
			}
			return // a member of another type than Cognito's: the upstream refuses it
		}
		if !clientOperations[op] {
			return
		}
		cl, served := p.clients[seen.ClientId]
		if !served {
			t.Fatalf("%s %q reaches the upstream naming client %q", op, body, seen.ClientId)
		}
		if cl.secret == "" {
			return
		}
		if userOperations[op] && seen.SecretHash != cl.secretHash(seen.Username) {
			t.Fatalf("%s %q: SecretHash %q is not the hash of %q", op, body, seen.SecretHash, seen.Username)
		}
		if op == "InitiateAuth" && seen.AuthParameters["USERNAME"] != "" && seen.AuthFlow != "REFRESH_TOKEN_AUTH" && seen.AuthFlow != "REFRESH_TOKEN" &&
			seen.AuthParameters["SECRET_HASH"] != cl.secretHash(seen.AuthParameters["USERNAME"]) {
			t.Fatalf("%s %q: SECRET_HASH is not the hash of %q", op, body, seen.AuthParameters["USERNAME"])
		}
	})
}

package cognitoproxy

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAnswer: whatever the upstream answers, Answer and Change do not
// panic, and a rewritten answer is JSON whose refresh token is wrapped.
func FuzzAnswer(f *testing.F) {
	p := newTestProxy(f, Settings{SealTokens: true})
	signIn, err := p.Rewrite(f.Context(), TargetPrefix+"InitiateAuth", []byte(`{"ClientId":"`+secretClient+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice"}}`))
	if err != nil {
		f.Fatal(err)
	}
	access := accessToken(`{"sub":"s","username":"alice","iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab1"}`)
	f.Add([]byte(`{"AuthenticationResult":{"AccessToken":"` + access + `","IdToken":"a.b.c","RefreshToken":"raw-refresh"}}`))
	f.Add([]byte(`{"AuthenticationResult":null,"ChallengeName":"PASSWORD_VERIFIER"}`))
	f.Add([]byte(`{"AuthenticationResult":"x"}`))
	f.Add([]byte(`{"AuthenticationResult":{"RefreshToken":5}}`))
	f.Fuzz(func(t *testing.T, answer []byte) {
		_, _ = p.Change(signIn, answer)
		out, err := p.Answer(signIn, answer)
		if err != nil || bytes.Equal(out, answer) {
			return
		}
		var got struct {
			AuthenticationResult struct{ RefreshToken *string }
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("answer %q became %q, not JSON: %v", answer, out, err)
		}
		if r := got.AuthenticationResult.RefreshToken; r != nil && *r != "" {
			if _, ok := p.keys.openRefresh(secretClient, *r); !ok {
				t.Fatalf("answer %q hands out refresh token %q unwrapped", answer, *r)
			}
		}
	})
}

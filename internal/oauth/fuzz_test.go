package oauth

import (
	"context"
	"net/url"
	"testing"
)

// FuzzAuthorizeRequest: whatever an authorization request holds, it is
// judged without panicking, and a request refused before its client and
// redirect URI are known never goes back to a client.
func FuzzAuthorizeRequest(f *testing.F) {
	tb := newTestbed(f)
	c := tb.client(false, "code", "implicit")
	f.Add("response_type=code&client_id=" + c.ClientId + "&redirect_uri=" + url.QueryEscape(callback) + "&scope=openid")
	f.Add("response_type=token&client_id=" + c.ClientId + "&redirect_uri=" + url.QueryEscape(callback) + "&code_challenge=abc&code_challenge_method=plain")
	f.Add("client_id=%00&redirect_uri=javascript:alert(1)")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, fail := tb.provider.checkAuthRequest(context.Background(), q)
		if fail != nil && fail.toClient && (req == nil || req.client == nil || !req.client.RegisteredCallback(req.redirectURI)) {
			t.Fatalf("%q: an error would go to an unchecked redirect URI", raw)
		}
	})
}

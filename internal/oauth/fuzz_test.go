package oauth

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool"
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

// FuzzChallengeForm: whatever a challenge page's form carries back (its
// shown parameters, its fields), every challenge page renders it again
// and reads its answers without panicking, and what it shows is escaped.
func FuzzChallengeForm(f *testing.F) {
	tb := newTestbed(f)
	hp, err := tb.pools.DescribeHostedPool(context.Background(), tb.poolID)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("param.MFAS_CAN_CHOOSE=%5B%22EMAIL_OTP%22%2C%22SMS_MFA%22%5D&answer=EMAIL_OTP")
	f.Add("param.AVAILABLE_CHALLENGES=%5B%22PASSWORD%22%2C1%5D&answer=PASSWORD&password=x")
	f.Add("param.CODE_DELIVERY_DESTINATION=%3Cscript%3E&code=12+34+56")
	f.Add("param.CREDENTIAL_REQUEST_OPTIONS=%22%3E%3Cimg&credential=%7B%7D")
	f.Add("param.SECRET_CODE=JBSWY3DPEHPK3PXP&code=&deviceName=%00")
	f.Add("param.requiredAttributes=%5B%22userAttributes.email%22%5D&password=a&confirmPassword=b")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		params := map[string]string{}
		for key := range form {
			if name, ok := strings.CutPrefix(key, carriedPrefix); ok {
				params[name] = form.Get(key)
			}
		}
		if params["SECRET_CODE"] == "" {
			params["SECRET_CODE"] = "JBSWY3DPEHPK3PXP" // MFA_SETUP would otherwise start a setup
		}
		for name, cp := range challengePages {
			pg := &page{Title: cp.title, Username: "<u>", Carried: map[string]string{}}
			if cp.prepare != nil {
				if err := cp.prepare(context.Background(), tb.provider, pg, hp, &userpool.HostedStep{ChallengeName: name, ChallengeParameters: params}); err != nil {
					continue
				}
			}
			var buf bytes.Buffer
			if err := tb.provider.pages.byName[cp.template].ExecuteTemplate(&buf, "layout", pg); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if strings.Contains(buf.String(), "<script>") || strings.Contains(buf.String(), "<u>") {
				t.Fatalf("%s shows the form unescaped", name)
			}
			cp.answers(form)
		}
	})
}

package awsapi

import (
	"strings"
	"testing"
)

// FuzzOp drives arbitrary targets, content types and bodies through the whole
// handler: whatever arrives, the answer is a well-formed AWS JSON answer and
// never a 500 (only the operations built to fail may 500).
func FuzzOp(f *testing.F) {
	f.Add("TestService.Echo", "application/x-amz-json-1.1", `{"Name":"x","Count":3,"Tags":["a"]}`)
	f.Add("TestService.Echo", "application/x-amz-json-1.0", `{"Count":1e400}`)
	f.Add("TestService.Echo", "application/x-amz-json-1.1", `{"Name":"\ud800"}`)
	f.Add("TestService.Nothing", "application/x-amz-json-1.1", ``)
	f.Add("TestService.AdminOnly", "application/x-amz-json-1.1", `{}`)
	f.Add("TestService.", "", `null`)
	f.Add(".Echo", "text/plain", `[`)
	f.Add("TestService.Echo", "application/x-amz-json-1.1; a=\"", `{"Tags":[null,1]}`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, target, contentType, body string) {
		if strings.HasSuffix(target, ".Break") || strings.HasSuffix(target, ".Panic") {
			return
		}
		rec := fx.do(t, "POST", target, contentType, body)
		if rec.Code >= 500 {
			t.Fatalf("target %q body %q: status %d %s", target, body, rec.Code, rec.Body)
		}
		if rec.Code != 200 {
			wantError(t, rec, rec.Code, rec.Header().Get("x-amzn-ErrorType"))
		}
		fx.logs.Reset()
	})
}

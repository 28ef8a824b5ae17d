package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Issue 12, item 8: at debug level each gateway 401 and 403 is logged with
// why — no token, a bad signature, an expired token, a missing scope, a
// policy's deny — and the token itself is never logged.
func TestGatewayRefusalsSayWhy(t *testing.T) {
	t.Parallel()
	partner := newOIDCIssuer(t)
	m := startMoat(t, moatOptions{Args: []string{"--log-level", "debug"}, Config: fmt.Sprintf(`apis:
  - name: why
    basePath: /why
    authorizers:
      - {name: partner, type: JWT, issuers: [{issuer: %q, audience: [%q]}]}
    routes:
      - {method: GET, path: /scoped, authorizer: partner, scopes: [orders/read], integration: {type: mock, body: ok}}
  - name: policed
    type: REST
    basePath: /policed
    stages: [{name: prod}]
    resourcePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/denied"}]}'
    routes:
      - {method: GET, path: /denied, integration: {type: mock, body: ok}}
`, partner.URL, partnerAud)})

	good := partner.mint(t, partnerAud, time.Now(), map[string]any{"scope": "orders/read"})
	parts := strings.Split(good, ".")
	sig := []byte(parts[2])
	sig[len(sig)/2] ^= 1 // still base64url, no longer the signature
	tampered := parts[0] + "." + parts[1] + "." + string(sig)
	expired := partner.mint(t, partnerAud, time.Now().Add(-2*time.Hour), map[string]any{"scope": "orders/read"})
	unscoped := partner.mint(t, partnerAud, time.Now(), nil)

	bearer := func(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }
	if res, body := gatewayCall(t, m, "GET", "/why/scoped", bearer(good)); res.StatusCode != 200 {
		t.Fatalf("a good token: %d %s", res.StatusCode, body)
	}
	for _, c := range []struct {
		what, path string
		header     http.Header
		status     int
		reason     string
	}{
		{"no token", "/why/scoped", nil, 401, "no token"},
		{"a bad signature", "/why/scoped", bearer(tampered), 401, "the token signature is invalid"},
		{"an expired token", "/why/scoped", bearer(expired), 401, "the token has expired"},
		{"a missing scope", "/why/scoped", bearer(unscoped), 403, "the token has none of the route's scopes"},
		{"a resource-policy deny", "/policed/prod/denied", nil, 403, "with an explicit deny"},
	} {
		res, body := gatewayCall(t, m, "GET", c.path, c.header)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d %s, want %d", c.what, res.StatusCode, body, c.status)
			continue
		}
		line := refusalLine(m, res.Header.Get("X-Amzn-Requestid"))
		if !strings.Contains(line, `"status":`+fmt.Sprint(c.status)) || !strings.Contains(line, c.reason) {
			t.Errorf("%s: the refusal is logged as %q; want status %d and reason %q", c.what, line, c.status, c.reason)
		}
	}
	log := m.log.String()
	for _, token := range []string{good, tampered, expired, unscoped} {
		if strings.Contains(log, strings.Split(token, ".")[1]) {
			t.Fatal("the log holds a token")
		}
	}
}

// refusalLine waits for the debug line moat logs for a refused request.
func refusalLine(m *Moat, requestID string) string {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for line := range strings.SplitSeq(m.log.String(), "\n") {
			if requestID != "" && strings.Contains(line, `"msg":"gateway refused"`) && strings.Contains(line, `"requestId":"`+requestID+`"`) {
				return line
			}
		}
	}
	return ""
}

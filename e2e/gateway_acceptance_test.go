package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// gatewayFixture is what the acceptance test puts behind and in front of moat.
type gatewayFixture struct {
	backend, poolID, issuer, clientA string
	partner                          *oidcIssuer
	provider                         *thirdParty
	providerDown                     string // a URL nothing listens on
}

const (
	allowedOrigin  = "https://app.example.com"
	partnerAud     = "partner-api"
	providerKeyEnv = "ACCEPTANCE_PROVIDER_KEY"
)

// gatewayYAML is the API in moat's YAML, under /yaml, plus a REST API under
// /rest; routes under /yaml mirror the OpenAPI document's.
func gatewayYAML(f gatewayFixture) string {
	return fmt.Sprintf(`apis:
  - name: acceptance-yaml
    basePath: /yaml
    authorizers:
      - name: moatJwt
        type: JWT
        issuers:
          - {issuer: %[2]q, audience: [%[3]q]}
          - {issuer: %[5]q, audience: [%[6]q]}
        claimHeaders: {sub: X-User-Sub, email: X-User-Email, "cognito:username": X-User-Name}
      - name: moatPool
        type: COGNITO_USER_POOLS
        userPools: [%[4]q]
    cors:
      allowOrigins: [%[7]q]
      allowMethods: [GET, POST]
      allowHeaders: [Authorization, Content-Type]
      exposeHeaders: [X-Request-Cost]
      maxAge: 300
    routes:
      - {method: GET, path: /jwt, authorizer: moatJwt, integration: {type: http_proxy, uri: "%[1]s/jwt"}}
      - {method: GET, path: /jwt/scoped, authorizer: moatJwt, scopes: [pets/read], integration: {type: http_proxy, uri: "%[1]s/jwt/scoped"}}
      - {method: GET, path: /jwt/admin, authorizer: moatJwt, scopes: [aws.cognito.signin.user.admin], integration: {type: http_proxy, uri: "%[1]s/jwt/admin"}}
      - {method: GET, path: /pool, authorizer: moatPool, integration: {type: http_proxy, uri: "%[1]s/pool"}}
      - {method: GET, path: /pool/scoped, authorizer: moatPool, scopes: [pets/read], integration: {type: http_proxy, uri: "%[1]s/pool/scoped"}}
      - {method: GET, path: /pool/admin, authorizer: moatPool, scopes: [aws.cognito.signin.user.admin], integration: {type: http_proxy, uri: "%[1]s/pool/admin"}}
      - {method: GET, path: /open, integration: {type: http_proxy, uri: "%[1]s/open"}}
      - {method: GET, path: /slow, integration: {type: http_proxy, uri: "%[1]s/slow", timeoutMillis: 200}}
      - method: GET
        path: /provider
        integration:
          type: http_proxy
          uri: %[8]s/v1/lookup
          secrets: [{in: header, name: X-Api-Key, fromEnv: %[10]s}]
      - method: GET
        path: /provider-down
        integration:
          type: http_proxy
          uri: %[9]s/v1/lookup?format=json
          secrets: [{in: query, name: api_key, fromEnv: %[10]s}, {in: header, name: X-Api-Key, fromEnv: %[10]s}]
  - name: acceptance-rest
    type: REST
    basePath: /rest
    routes:
      - {method: GET, path: /ping, integration: {type: mock, body: pong}}
`, f.backend, f.issuer, f.clientA, f.poolID, f.partner.URL, partnerAud, allowedOrigin, f.provider.URL, f.providerDown, providerKeyEnv)
}

// gatewayOpenAPI is the same API as API Gateway exports it (an HTTP API with
// a JWT authorizer, plus a Cognito user-pool authorizer), served at /.
func gatewayOpenAPI(f gatewayFixture) string {
	route := func(path, scheme string, scopes ...string) string {
		security := ""
		if scheme != "" {
			quoted, _ := json.Marshal(append([]string{}, scopes...))
			security = fmt.Sprintf("\n      security:\n        - %s: %s", scheme, quoted)
		}
		timeout := 29000
		if path == "/slow" {
			timeout = 200
		}
		return fmt.Sprintf(`
  %[1]s:
    get:
      responses:
        default:
          description: "Default response for GET %[1]s"%[2]s
      x-amazon-apigateway-integration:
        payloadFormatVersion: "1.0"
        type: http_proxy
        httpMethod: GET
        uri: "%[3]s%[1]s"
        connectionType: INTERNET
        timeoutInMillis: %[4]d`, path, security, f.backend, timeout)
	}
	return `openapi: 3.0.1
info:
  title: acceptance-openapi
  version: "2026-11-22 00:00:00UTC"
servers:
  - url: "https://abcdef1234.execute-api.us-east-1.amazonaws.com/{basePath}"
    variables:
      basePath:
        default: ""
paths:` + route("/jwt", "moatJwt") + route("/jwt/scoped", "moatJwt", "pets/read") +
		route("/jwt/admin", "moatJwt", "aws.cognito.signin.user.admin") + route("/pool", "moatPool") +
		route("/pool/scoped", "moatPool", "pets/read") + route("/pool/admin", "moatPool", "aws.cognito.signin.user.admin") +
		route("/open", "") + route("/slow", "") + fmt.Sprintf(`
components:
  securitySchemes:
    moatJwt:
      type: oauth2
      flows: {}
      x-amazon-apigateway-authorizer:
        identitySource: "$request.header.Authorization"
        jwtConfiguration:
          audience: [%[3]q]
          issuer: %[2]q
        type: jwt
    moatPool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs:
          - "arn:aws:cognito-idp:us-east-1:123456789012:userpool/%[1]s"
x-amazon-apigateway-cors:
  allowMethods: [GET, POST]
  allowHeaders: [authorization, content-type]
  exposeHeaders: [x-request-cost]
  maxAge: 300
  allowCredentials: false
  allowOrigins: [%[4]q]
x-amazon-apigateway-importexport-version: "1.0"
`, f.poolID, f.issuer, f.clientA, allowedOrigin)
}

// Issue 4's acceptance, through the real binary: moat's own pools and a
// partner issuer in front of a real backend, the same API in moat's YAML
// (apis: in the config file) and in API Gateway's OpenAPI export (--api).
func TestGatewayAcceptance(t *testing.T) {
	t.Parallel()
	providerKey := "prov+key/" + randomString(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	f := gatewayFixture{backend: echoBackend(t), partner: newOIDCIssuer(t), provider: newThirdParty(t), providerDown: closedURL(t)}
	m := startMoat(t, moatOptions{Env: []string{providerKeyEnv + "=" + providerKey}})
	c := m.cognito(t)

	f.poolID = createPool(t, c, "gateway")
	clientA, clientB := createClient(t, c, f.poolID, false), createClient(t, c, f.poolID, true)
	f.clientA, f.issuer = clientA.ID, m.IdentityURL+"/"+f.poolID
	createUser(t, c, f.poolID, "alice", "alice@example.com")
	otherPool := createPool(t, c, "other")
	otherClient := createClient(t, c, otherPool, false)
	createUser(t, c, otherPool, "bob", "bob@example.com")

	openAPIFile := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(openAPIFile, []byte(gatewayOpenAPI(f)), 0o600); err != nil {
		t.Fatal(err)
	}
	m.options.Config = gatewayYAML(f)
	m.options.Args = []string{"--api", openAPIFile}
	m.Restart(t)

	alice := signIn(t, c, clientA, "alice", testPassword)
	id, access := *alice.IdToken, *alice.AccessToken
	idOfClientB := *signIn(t, c, clientB, "alice", testPassword).IdToken
	idOfOtherPool := *signIn(t, c, otherClient, "bob", testPassword).IdToken
	now := time.Now()
	partnerToken := f.partner.mint(t, partnerAud, now, map[string]any{"scope": "pets/read"})
	partnerExpired := f.partner.mint(t, partnerAud, now.Add(-2*time.Hour), nil)
	partnerWrongAud := f.partner.mint(t, "someone-else", now, nil)

	type check struct {
		path, token string
		status      int
		yamlOnly    bool // the partner issuer: API Gateway's JWT authorizer has one issuer
	}
	checks := []check{
		{"/jwt", "", 401, false},
		{"/jwt", flipSignature(id), 401, false},
		{"/jwt", idOfOtherPool, 401, false},
		{"/jwt", idOfClientB, 401, false},
		{"/jwt", id, 200, false},
		{"/jwt", access, 200, false}, // client_id stands in for the aud access tokens lack
		{"/jwt/scoped", access, 403, false},
		{"/jwt/admin", access, 200, false},
		{"/jwt", partnerToken, 200, true},
		{"/jwt/scoped", partnerToken, 200, true},
		{"/jwt", partnerExpired, 401, true},
		{"/jwt", partnerWrongAud, 401, true},
		{"/pool", "", 401, false},
		{"/pool", flipSignature(id), 401, false},
		{"/pool", idOfOtherPool, 401, false},
		{"/pool", id, 200, false},
		{"/pool", idOfClientB, 200, false}, // the user-pool authorizer admits every client of the pool
		{"/pool", access, 401, false},      // no scopes on the route: an ID token is required
		{"/pool/scoped", access, 401, false},
		{"/pool/admin", access, 200, false},
		{"/pool/admin", id, 401, false},
		{"/open", "", 200, false},
		{"/nothing", "", 404, false},
	}
	for _, prefix := range []string{"/yaml", ""} {
		for _, ck := range checks {
			if ck.yamlOnly && prefix == "" {
				continue
			}
			var h http.Header
			if ck.token != "" {
				h = bearer(ck.token)
			}
			res, body := gatewayCall(t, m, "GET", prefix+ck.path, h)
			what := fmt.Sprintf("GET %s%s with %s", prefix, ck.path, tokenLabel(ck.token, map[string]string{
				id: "alice's ID token", access: "alice's access token", idOfClientB: "client B's ID token",
				idOfOtherPool: "the other pool's ID token", partnerToken: "the partner's token",
				partnerExpired: "an expired partner token", partnerWrongAud: "a partner token for another audience",
			}))
			if res.StatusCode != ck.status {
				t.Errorf("%s: %d %s, want %d", what, res.StatusCode, body, ck.status)
				continue
			}
			wantBody := map[int]string{401: `{"message":"Unauthorized"}`, 403: `{"message":"Forbidden"}`, 404: `{"message":"Not Found"}`}[ck.status]
			if wantBody != "" && body != wantBody {
				t.Errorf("%s: body %s, want %s", what, body, wantBody)
			}
			if strings.HasPrefix(ck.path, "/jwt") && ck.status == 401 && !strings.HasPrefix(res.Header.Get("Www-Authenticate"), "Bearer") {
				t.Errorf("%s: 401 without a Bearer WWW-Authenticate: %v", what, res.Header)
			}
		}
	}

	t.Run("claims reach the backend, forged copies do not", func(t *testing.T) {
		h := bearer(id)
		h.Set("X-User-Sub", "forged")
		res, body := gatewayCall(t, m, "GET", "/yaml/jwt", h)
		var got struct {
			Path            string
			Sub             []string
			Email, Username string
		}
		json.Unmarshal([]byte(body), &got)
		sub, _ := unverifiedClaims(t, id)["sub"].(string)
		if res.StatusCode != 200 || got.Path != "/jwt" || !slices.Equal(got.Sub, []string{sub}) || got.Email != "alice@example.com" || got.Username != "alice" {
			t.Errorf("%d %s; want sub %s", res.StatusCode, body, sub)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		for _, prefix := range []string{"/yaml", ""} {
			res, body := gatewayCall(t, m, "GET", prefix+"/slow", nil)
			if res.StatusCode != 504 || body != `{"message":"Endpoint request timed out"}` {
				t.Errorf("%s/slow: %d %s", prefix, res.StatusCode, body)
			}
		}
	})

	t.Run("no match on a REST API", func(t *testing.T) {
		if res, body := gatewayCall(t, m, "GET", "/rest/ping", nil); res.StatusCode != 200 || body != "pong" {
			t.Errorf("/rest/ping: %d %s", res.StatusCode, body)
		}
		res, body := gatewayCall(t, m, "GET", "/rest/nothing", nil)
		if res.StatusCode != 403 || body != `{"message":"Missing Authentication Token"}` {
			t.Errorf("/rest/nothing: %d %s", res.StatusCode, body)
		}
	})

	t.Run("CORS", func(t *testing.T) {
		for _, prefix := range []string{"/yaml", ""} {
			testGatewayCORS(t, m, prefix)
		}
	})

	t.Run("secret injection", func(t *testing.T) {
		res, body := gatewayCall(t, m, "GET", "/yaml/provider", http.Header{"X-Api-Key": {"client-chosen"}})
		if res.StatusCode != 200 || body != `{"provider":"ok"}` {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if got := f.provider.received(); len(got) != 1 || !slices.Equal(got[0], []string{providerKey}) {
			t.Errorf("the provider received X-Api-Key %q, want only the injected key", got)
		}
		if leaks(res, body, providerKey) {
			t.Errorf("the client's response holds the key: %v %s", res.Header, body)
		}
		res, body = gatewayCall(t, m, "GET", "/yaml/provider-down?q=1", nil)
		if res.StatusCode != 502 || body != `{"message":"Internal server error"}` || leaks(res, body, providerKey) {
			t.Errorf("provider down: %d %v %s", res.StatusCode, res.Header, body)
		}
	})

	t.Run("partner key rotation without a restart", func(t *testing.T) {
		f.partner.rotate(t)
		rotated := f.partner.mint(t, partnerAud, time.Now(), nil)
		// moat refetches an issuer's keys for an unknown kid at most every
		// ten seconds, so the new key may take that long to be seen.
		deadline := time.Now().Add(15 * time.Second)
		for {
			res, body := gatewayCall(t, m, "GET", "/yaml/jwt", bearer(rotated))
			if res.StatusCode == 200 {
				break
			}
			if res.StatusCode != 401 || time.Now().After(deadline) {
				t.Fatalf("token under the rotated key: %d %s", res.StatusCode, body)
			}
			time.Sleep(250 * time.Millisecond)
		}
	})

	// The access log is written behind the requests (within 100 ms): its
	// line for the provider route is there before the log is searched.
	if !m.log.waitFor(`"route":"GET /provider"`) {
		t.Errorf("the access log has no line for the provider route")
	}
	log := m.log.String()
	for what, secret := range map[string]string{"the provider key": providerKey, "an ID token": id, "an access token": access,
		"a partner token": partnerToken, "the client's key": "client-chosen"} {
		if strings.Contains(log, secret) || strings.Contains(log, strings.ReplaceAll(strings.ReplaceAll(secret, "+", "%2B"), "/", "%2F")) {
			t.Errorf("moat's log holds %s", what)
		}
	}
}

// testGatewayCORS checks preflights and actual requests from an allowed and
// a disallowed origin; the backend always sends its own
// Access-Control-Allow-Origin: *, which moat must replace or remove.
func testGatewayCORS(t *testing.T, m *Moat, prefix string) {
	preflight := func(origin string) (*http.Response, string) {
		return gatewayCall(t, m, "OPTIONS", prefix+"/jwt", http.Header{"Origin": {origin},
			"Access-Control-Request-Method": {"GET"}, "Access-Control-Request-Headers": {"authorization"}})
	}
	res, _ := preflight(allowedOrigin)
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != allowedOrigin ||
		res.Header.Get("Access-Control-Allow-Methods") != "GET,POST" ||
		!strings.EqualFold(res.Header.Get("Access-Control-Allow-Headers"), "Authorization,Content-Type") ||
		res.Header.Get("Access-Control-Max-Age") != "300" {
		t.Errorf("%s: preflight from %s: %d %v", prefix, allowedOrigin, res.StatusCode, res.Header)
	}
	res, _ = gatewayCall(t, m, "GET", prefix+"/open", http.Header{"Origin": {allowedOrigin}})
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != allowedOrigin ||
		!strings.EqualFold(res.Header.Get("Access-Control-Expose-Headers"), "X-Request-Cost") {
		t.Errorf("%s: request from %s: %d %v", prefix, allowedOrigin, res.StatusCode, res.Header)
	}
	const stranger = "https://evil.example.net"
	res, _ = preflight(stranger)
	if res.StatusCode != 204 || hasCORSHeaders(res.Header) {
		t.Errorf("%s: preflight from %s: %d %v", prefix, stranger, res.StatusCode, res.Header)
	}
	res, _ = gatewayCall(t, m, "GET", prefix+"/open", http.Header{"Origin": {stranger}})
	if res.StatusCode != 200 || hasCORSHeaders(res.Header) {
		t.Errorf("%s: request from %s: %d %v", prefix, stranger, res.StatusCode, res.Header)
	}
}

func hasCORSHeaders(h http.Header) bool {
	for name := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			return true
		}
	}
	return false
}

func leaks(res *http.Response, body, secret string) bool {
	for _, values := range res.Header {
		for _, v := range values {
			if strings.Contains(v, secret) {
				return true
			}
		}
	}
	return strings.Contains(body, secret)
}

// flipSignature changes one character in the middle of a JWT's signature.
func flipSignature(token string) string {
	i := strings.LastIndexByte(token, '.') + 10
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

func tokenLabel(token string, names map[string]string) string {
	switch {
	case token == "":
		return "no token"
	case names[token] != "":
		return names[token]
	}
	return "a tampered token"
}

// unverifiedClaims reads a JWT's payload; the gateway has verified it.
func unverifiedClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// closedURL is an http URL on a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

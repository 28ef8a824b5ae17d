package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/mail/mailtest"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// testbed is a user pool behind the real provider on a real listener, with
// a real SMTP sink for its mail.
type testbed struct {
	t        testing.TB
	provider *Provider
	logs     *testenv.LogBuffer // the provider's log
	url      string
	pools    *userpool.Service
	tokens   *tokens.Service
	mail     *mailtest.Sink
	poolID   string
}

const callback = "http://localhost:4000/callback"

func newTestbed(t testing.TB) *testbed {
	t.Helper()
	return newTestbedWith(t, signin.Hooks{})
}

// newTestbedWith is a testbed whose pools run hooks.
func newTestbedWith(t testing.TB, hooks signin.Hooks) *testbed {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t)
	sink := mailtest.NewSink(t)
	sender, err := mail.NewSMTPSender(sink.URL(), "moat <no-reply@moat.test>")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tok := tokens.NewService(st, srv.URL)
	pools, err := userpool.New(ctx, userpool.Config{Store: st, Tokens: tok, Region: "us-east-1", Mail: sender,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AuthDomainSuffix: "auth.test", PublicURL: srv.URL, Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.LogBuffer{}
	p, err := New(Config{Pools: pools, PublicURL: srv.URL, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	tok.ServeOAuthEndpoints(p.EndpointsBase)
	mux.Handle("GET /{poolId}/.well-known/", tok.Handler())
	mux.Handle("/", p)
	pool, err := pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: "Dragons", PoolConfig: userpool.PoolConfig{AutoVerifiedAttributes: []string{"email"}}})
	if err != nil {
		t.Fatal(err)
	}
	return &testbed{t: t, provider: p, logs: logs, url: srv.URL, pools: pools, tokens: tok, mail: sink, poolID: pool.UserPool.Id}
}

// client makes an app client with OAuth settings; secret gives it a secret.
func (tb *testbed) client(secret bool, flows ...string) *userpool.UserPoolClientType {
	tb.t.Helper()
	out, err := tb.pools.CreateUserPoolClient(context.Background(), &userpool.CreateUserPoolClientInput{
		UserPoolId: tb.poolID, ClientName: "web", GenerateSecret: secret,
		ClientConfig: userpool.ClientConfig{
			AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: flows,
			ExplicitAuthFlows:  []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			AllowedOAuthScopes: []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
			CallbackURLs:       []string{callback}, LogoutURLs: []string{"http://localhost:4000/bye"},
			SupportedIdentityProviders: []string{"COGNITO"},
		},
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	return &out.UserPoolClient
}

// user makes a confirmed user with a verified email.
func (tb *testbed) user(name, password string) {
	tb.t.Helper()
	ctx := context.Background()
	_, err := tb.pools.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{UserPoolId: tb.poolID, Username: name, MessageAction: "SUPPRESS",
		UserAttributes: []userpool.AttributeType{{Name: "email", Value: name + "@example.com"}, {Name: "email_verified", Value: "true"}}})
	if err != nil {
		tb.t.Fatal(err)
	}
	if _, err := tb.pools.AdminSetUserPassword(ctx, &userpool.AdminSetUserPasswordInput{UserPoolId: tb.poolID, Username: name, Password: password, Permanent: true}); err != nil {
		tb.t.Fatal(err)
	}
}

// browser is a cookie-keeping client that stops at redirects leaving moat.
type browser struct {
	t    testing.TB
	http *http.Client
	base string
}

func (tb *testbed) browser() *browser {
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(tb.url)
	return &browser{t: tb.t, base: tb.url, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(r *http.Request, _ []*http.Request) error {
			if r.URL.Host != base.Host {
				return http.ErrUseLastResponse
			}
			return nil
		}}}
}

// page is a fetched response with its body read.
type fetched struct {
	status   int
	header   http.Header
	body     string
	location *url.URL // where a redirect out of moat went
	final    *url.URL
}

func (b *browser) do(req *http.Request) fetched {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	f := fetched{status: res.StatusCode, header: res.Header, body: string(body), final: res.Request.URL}
	if loc := res.Header.Get("Location"); loc != "" {
		f.location, _ = res.Request.URL.Parse(loc)
	}
	return f
}

func (b *browser) get(path string) fetched {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(target string, form url.Values) fetched {
	b.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = b.base + target
	}
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	csrfPattern   = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	actionPattern = regexp.MustCompile(`<form[^>]*method="post" action="([^"]+)"`)
	hiddenPattern = regexp.MustCompile(`<input type="hidden" name="(session|challenge|username|param\.[A-Z_]+)" value="([^"]*)"`)
)

// submit fills the page's first form with fields (plus its hidden ones
// and the CSRF token) and posts it where the form says.
func (b *browser) submit(f fetched, fields url.Values) fetched {
	b.t.Helper()
	csrf := csrfPattern.FindStringSubmatch(f.body)
	action := actionPattern.FindStringSubmatch(f.body)
	if csrf == nil || action == nil {
		b.t.Fatalf("no form on the page (status %d):\n%s", f.status, f.body)
	}
	form := url.Values{"_csrf": {csrf[1]}}
	for _, m := range hiddenPattern.FindAllStringSubmatch(f.body, -1) {
		form.Set(m[1], unescape(m[2]))
	}
	for k, v := range fields {
		form[k] = v
	}
	target, _ := f.final.Parse(unescape(action[1]))
	return b.post(target.String(), form)
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// pkce is a verifier and its S256 challenge.
func pkce() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is an authorization request for the code grant with PKCE.
func authorizeQuery(clientID, challenge string, extra ...string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {callback},
		"scope": {"openid email"}, "state": {"st-1"}, "nonce": {"n-1"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/oauth2/authorize?" + q.Encode()
}

// signIn walks authorize → login → the client's callback and returns the
// callback URL moat redirected to.
func (b *browser) signIn(authorize, username, password string) *url.URL {
	b.t.Helper()
	login := b.get(authorize)
	if login.status != http.StatusOK || !strings.Contains(login.final.Path, "/login") {
		b.t.Fatalf("authorize did not lead to the sign-in page: %d %s\n%s", login.status, login.final, login.body)
	}
	done := b.submit(login, url.Values{"username": {username}, "password": {password}})
	if done.status != http.StatusFound || done.location == nil {
		b.t.Fatalf("sign-in did not redirect to the client: %d\n%s", done.status, done.body)
	}
	return done.location
}

// tokenRequest posts to /oauth2/token and decodes the JSON answer.
func (tb *testbed) tokenRequest(form url.Values, basicID, basicSecret string) (int, map[string]any) {
	tb.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, tb.url+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// testCaller is the address API calls in tests come from.
var testCaller = netip.MustParseAddr("127.0.0.1")

package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/integration"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	adminCreds  = admin.Credentials{AccessKeyID: "AKIAADMINCONSOLE0001", SecretAccessKey: "admin-secret-admin-secret-admin-secret00"}
	viewerCreds = admin.Credentials{AccessKeyID: "AKIAVIEWERCONSOLE001", SecretAccessKey: "viewer-secret-viewer-secret"}
)

// testbed is the console over a real user-pool service on SQLite, on a
// real listener, its log kept.
type testbed struct {
	url     string
	pools   *userpool.Service
	gateway *httptest.Server // serves the API "shop" at /shop
	logs    *testenv.LogBuffer
}

func newTestbed(t testing.TB) *testbed {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	pools, err := userpool.New(ctx, userpool.Config{Store: st, Tokens: tokens.NewService(st, "http://moat.test"), Region: "us-east-1",
		Mail: mail.LogSender{Logger: quiet}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	builder := integration.NewBuilder()
	t.Cleanup(builder.Close)
	registry := prometheus.NewRegistry()
	gw, err := gateway.New(gateway.Config{NewIntegration: builder.New, Logger: quiet, Registerer: registry, APIs: []gateway.API{{Name: "shop", BasePath: "/shop",
		Routes: []gateway.Route{{Method: "GET", Path: "/open", Integration: gateway.IntegrationConfig{Type: "mock", Body: "ok"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw)
	t.Cleanup(gwSrv.Close)
	logs := &testenv.LogBuffer{}
	c, err := New(Config{Admin: adminCreds, Others: []Credential{{Credentials: viewerCreds, Role: ReadOnly}},
		UserPools: pools, Gateway: gw, Store: st, Metrics: registry, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &testbed{url: srv.URL, pools: pools, gateway: gwSrv, logs: logs}
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func post(t testing.TB, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// signIn signs c in and returns the session's CSRF token.
func (tb *testbed) signIn(t testing.TB, c *http.Client, creds admin.Credentials) string {
	t.Helper()
	_, page := get(t, c, tb.url+"/console/signin")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page: %s", page)
	}
	res := post(t, c, tb.url+"/console/signin", url.Values{"_csrf": {m[1]}, "accessKeyId": {creds.AccessKeyID}, "secretAccessKey": {creds.SecretAccessKey}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	_, page = get(t, c, tb.url+"/console/pools")
	if m = csrfInput.FindStringSubmatch(page); m == nil {
		t.Fatalf("no CSRF token on the pools page: %s", page)
	}
	return m[1]
}

// adminSession is a new testbed and a browser signed in to it as the
// admin, with the session's CSRF token.
func adminSession(t testing.TB) (*testbed, *http.Client, string) {
	t.Helper()
	tb := newTestbed(t)
	c := browser(t)
	return tb, c, tb.signIn(t, c, adminCreds)
}

// createPool creates a user pool through the service and returns its ID.
func (tb *testbed) createPool(t testing.TB, name string) string {
	t.Helper()
	pool, err := tb.pools.CreateUserPool(context.Background(), &userpool.CreateUserPoolInput{PoolName: name})
	if err != nil {
		t.Fatal(err)
	}
	return pool.UserPool.Id
}

func (tb *testbed) poolCount(t testing.TB) int {
	t.Helper()
	out, err := tb.pools.ListUserPools(context.Background(), &userpool.ListUserPoolsInput{MaxResults: 60})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.UserPools)
}

func TestSignInSessionAndCSRF(t *testing.T) {
	tb := newTestbed(t)
	c := browser(t)
	if res, _ := get(t, c, tb.url+"/console/pools"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/signin" {
		t.Errorf("a page without a session: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The sign-in form's own CSRF cookie is required.
	if res := post(t, browser(t), tb.url+"/console/signin", url.Values{"accessKeyId": {adminCreds.AccessKeyID}, "secretAccessKey": {adminCreds.SecretAccessKey}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a sign-in without the form's token: %d", res.StatusCode)
	}
	_, page := get(t, c, tb.url+"/console/signin")
	token := csrfInput.FindStringSubmatch(page)[1]
	if res := post(t, c, tb.url+"/console/signin", url.Values{"_csrf": {token}, "accessKeyId": {adminCreds.AccessKeyID}, "secretAccessKey": {"wrong"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong secret: %d", res.StatusCode)
	}
	if strings.Contains(tb.logs.String(), "wrong") {
		t.Error("the log holds what was typed as the secret")
	}
	_, page = get(t, c, tb.url+"/console/signin") // each showing of the form has a token of its own
	token = csrfInput.FindStringSubmatch(page)[1]
	res := post(t, c, tb.url+"/console/signin", url.Values{"_csrf": {token}, "accessKeyId": {adminCreds.AccessKeyID}, "secretAccessKey": {adminCreds.SecretAccessKey}})
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console" {
		t.Fatalf("signing in: %d, cookie %+v", res.StatusCode, session)
	}
	res, page = get(t, c, tb.url+"/console/pools")
	csrf := csrfInput.FindStringSubmatch(page)[1]
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a page's headers: %v", res.Header)
	}

	if res := post(t, c, tb.url+"/console/pools", url.Values{"name": {"NoToken"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a change without the CSRF token: %d", res.StatusCode)
	}
	if res := post(t, c, tb.url+"/console/pools", url.Values{"name": {"WrongToken"}, "_csrf": {token}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a change with the sign-in form's token: %d", res.StatusCode)
	}
	if res := post(t, browser(t), tb.url+"/console/pools", url.Values{"name": {"NoCookie"}, "_csrf": {csrf}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a change without the session cookie: %d", res.StatusCode)
	}
	if n := tb.poolCount(t); n != 0 {
		t.Fatalf("refused changes made %d pools", n)
	}
	if res := post(t, c, tb.url+"/console/pools", url.Values{"name": {"Shop"}, "_csrf": {csrf}}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/pools/us-east-1_") {
		t.Errorf("creating a pool: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	if n := tb.poolCount(t); n != 1 {
		t.Errorf("%d pools after creating one", n)
	}
	if !strings.Contains(tb.logs.String(), `"msg":"console change","logger":"console","adminKeyId":"AKIAADMINCONSOLE0001","action":"CreateUserPool","target":"/console/pools","outcome":"done"`) {
		t.Errorf("no audit line for the change:\n%s", tb.logs.String())
	}
	// A domain refusal is the API's answer, shown on the next page.
	post(t, c, tb.url+"/console/pools", url.Values{"name": {""}, "_csrf": {csrf}})
	if _, page := get(t, c, tb.url+"/console/pools"); !strings.Contains(page, "InvalidParameterException") {
		t.Errorf("an empty pool name's refusal is not shown: %s", page)
	}
	if res := post(t, c, tb.url+"/console/signout", url.Values{"_csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing out: %d", res.StatusCode)
	}
	if res, _ := get(t, c, tb.url+"/console/pools"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a page after signing out: %d", res.StatusCode)
	}
}

func TestReadOnlyCredential(t *testing.T) {
	tb := newTestbed(t)
	admin, viewer := browser(t), browser(t)
	adminCSRF := tb.signIn(t, admin, adminCreds)
	post(t, admin, tb.url+"/console/pools", url.Values{"name": {"Shop"}, "_csrf": {adminCSRF}})
	pools, _ := tb.pools.ListUserPools(context.Background(), &userpool.ListUserPoolsInput{MaxResults: 1})
	poolID := pools.UserPools[0].Id
	post(t, admin, tb.url+"/console/pools/"+poolID+"/users", url.Values{"username": {"ann"}, "_csrf": {adminCSRF}})

	csrf := tb.signIn(t, viewer, viewerCreds)
	res, page := get(t, viewer, tb.url+"/console/pools/"+poolID+"/users/ann")
	if res.StatusCode != 200 || !strings.Contains(page, "read-only") || strings.Contains(page, "/disable") {
		t.Errorf("the viewer's user page: %d, offers changes: %v", res.StatusCode, strings.Contains(page, "/disable"))
	}
	for path, form := range map[string]url.Values{
		"/console/pools":                                  {"name": {"Mine"}},
		"/console/pools/" + poolID + "/users":             {"username": {"bob"}},
		"/console/pools/" + poolID + "/users/ann/disable": {},
		"/console/pools/" + poolID + "/groups":            {"name": {"staff"}},
		"/console/pools/" + poolID + "/clients":           {"name": {"web"}},
	} {
		form.Set("_csrf", csrf)
		if res := post(t, viewer, tb.url+path, form); res.StatusCode != http.StatusForbidden {
			t.Errorf("the viewer's POST %s: %d", path, res.StatusCode)
		}
	}
	u, err := tb.pools.AdminGetUser(context.Background(), &userpool.UserRef{UserPoolId: poolID, Username: "ann"})
	if err != nil || !u.Enabled || tb.poolCount(t) != 1 {
		t.Errorf("after the viewer's changes: %v %v, %d pools", u, err, tb.poolCount(t))
	}
	if !strings.Contains(tb.logs.String(), `"msg":"console change refused","logger":"console","reason":"read-only","action":"AdminDisableUser","adminKeyId":"AKIAVIEWERCONSOLE001"`) {
		t.Errorf("no log line for the refused change:\n%s", tb.logs.String())
	}
	if res := post(t, viewer, tb.url+"/console/signout", url.Values{"_csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the viewer signing out: %d", res.StatusCode)
	}
}

package console

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool"
)

// TestClientSecretShownOnce: a new client's secret is on the page that
// answers its creation and on no other; the pool page lists the client's
// flows and links its hosted sign-in page.
func TestClientSecretShownOnce(t *testing.T) {
	tb, c, csrf := adminSession(t)
	id := tb.createPool(t, "Shop")
	res, err := c.PostForm(tb.url+"/console/pools/"+id+"/clients", url.Values{"_csrf": {csrf}, "name": {"web"}, "generateSecret": {"on"},
		"flow": {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, "callbackUrls": {"http://localhost:3000/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	secret := regexp.MustCompile(`id="client-secret" class="secret">([^<]+)<`).FindSubmatch(body)
	clients, _ := tb.pools.ListUserPoolClients(context.Background(), &userpool.ListUserPoolClientsInput{UserPoolId: id, MaxResults: 1})
	if res.StatusCode != http.StatusOK || secret == nil || len(clients.UserPoolClients) != 1 {
		t.Fatalf("creating the client: %d %s", res.StatusCode, body)
	}
	clientID := clients.UserPoolClients[0].ClientId
	_, page := get(t, c, tb.url+"/console/pools/"+id)
	if strings.Contains(page, string(secret[1])) {
		t.Error("the pool page shows the client secret")
	}
	preview := regexp.MustCompile(`href="(/login\?[^"]+)"`).FindStringSubmatch(page)
	if preview == nil || !strings.Contains(page, "ALLOW_USER_SRP_AUTH") || !strings.Contains(page, "code; scopes openid email profile") {
		t.Fatalf("the pool page's clients: %s", page)
	}
	q, _ := url.ParseQuery(strings.TrimPrefix(html.UnescapeString(preview[1]), "/login?"))
	if q.Get("client_id") != clientID || q.Get("redirect_uri") != "http://localhost:3000/callback" || q.Get("response_type") != "code" {
		t.Errorf("the hosted UI preview link: %v", q)
	}
}

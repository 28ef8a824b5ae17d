package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func call(t *testing.T, h http.Handler, method, path, body string, header map[string]string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out, _ := io.ReadAll(rec.Body)
	return rec.Code, string(out)
}

func TestBackendEchoesCallerAndKeepsDragons(t *testing.T) {
	h := newBackend(siteConfig{ClientID: "c1", UserPoolID: "us-east-1_x"}, dappConfig{}, nftProvider{key: "k"})
	keeper := map[string]string{userHeader: "keeper", groupsHeader: "dragon-keepers,riders"}

	code, body := call(t, h, "POST", "/dragons", `{"name":" Smaug "}`, keeper)
	if code != 201 || !strings.Contains(body, `"dragon":{"name":"Smaug","addedBy":"keeper"}`) ||
		!strings.Contains(body, `"askedBy":{"groups":["dragon-keepers","riders"],"username":"keeper"}`) {
		t.Errorf("POST /dragons: %d %s", code, body)
	}
	code, body = call(t, h, "GET", "/dragons", "", map[string]string{userHeader: "rider"})
	var list struct {
		AskedBy struct {
			Username string   `json:"username"`
			Groups   []string `json:"groups"`
		} `json:"askedBy"`
		Dragons []dragon `json:"dragons"`
	}
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil {
		t.Fatalf("GET /dragons: %d %s", code, body)
	}
	if list.AskedBy.Username != "rider" || list.AskedBy.Groups == nil || len(list.AskedBy.Groups) != 0 {
		t.Errorf("askedBy = %+v, want rider with no groups", list.AskedBy)
	}
	if last := list.Dragons[len(list.Dragons)-1]; last != (dragon{"Smaug", "keeper"}) {
		t.Errorf("last dragon = %+v, want the one keeper added", last)
	}

	for _, bad := range []string{``, `{}`, `{"name":""}`, `{"name":"   "}`, `{"name":7}`, `{"name":"a","x":1}`,
		`{"name":"a"}{"name":"b"}`, `{"name":"` + strings.Repeat("x", 65) + `"}`, `{"name":"bad\u0007"}`} {
		if code, body := call(t, h, "POST", "/dragons", bad, keeper); code != 400 || !strings.Contains(body, `"message"`) {
			t.Errorf("POST %q: %d %s, want 400 with a message", bad, code, body)
		}
	}
	for range maxDragons {
		call(t, h, "POST", "/dragons", `{"name":"Puff"}`, keeper)
	}
	if code, _ := call(t, h, "POST", "/dragons", `{"name":"Puff"}`, keeper); code != 409 {
		t.Errorf("POST beyond %d dragons: %d, want 409", maxDragons, code)
	}
}

func TestBackendServesSite(t *testing.T) {
	h := newBackend(siteConfig{IdentityURL: "http://127.0.0.1:9229", Region: "us-east-1", UserPoolID: "us-east-1_x", ClientID: "c1", Users: []string{Rider, Keeper}, Group: Group}, dappConfig{ClientID: "d1"}, nftProvider{key: "k"})
	if code, body := call(t, h, "GET", "/", "", nil); code != 200 || !strings.Contains(body, `<script src="demo.js">`) {
		t.Errorf("GET /: %d %.80s", code, body)
	}
	if code, body := call(t, h, "GET", "/demo.js", "", nil); code != 200 || !strings.Contains(body, "InitiateAuth") {
		t.Errorf("GET /demo.js: %d %.80s", code, body)
	}
	code, body := call(t, h, "GET", "/demo-config.json", "", nil)
	want := `{"identityUrl":"http://127.0.0.1:9229","region":"us-east-1","userPoolId":"us-east-1_x","clientId":"c1","users":["rider","keeper"],"group":"dragon-keepers"}`
	if code != 200 || strings.TrimSpace(body) != want {
		t.Errorf("GET /demo-config.json: %d %s, want %s", code, body, want)
	}
	assets, err := siteAssets()
	if err != nil || len(assets) == 0 {
		t.Errorf("siteAssets() = %v, %v; want the page's script", assets, err)
	}
}

// TestBackendPagesAreUncached: the pages, their scripts and their configs
// are served no-cache, so a newer moat's page never runs an older script.
func TestBackendPagesAreUncached(t *testing.T) {
	h := newBackend(siteConfig{}, dappConfig{}, nftProvider{key: "k"})
	for _, path := range []string{"/", "/demo.js", "/demo-config.json", "/dapp/dapp.js", "/dapp/config.json"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %d, Cache-Control %q", path, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}

func FuzzParseNewDragon(f *testing.F) {
	for _, seed := range []string{`{"name":"Smaug"}`, `{}`, `{"name":null}`, `[]`, `{"name":"\u00e9"}`, `{"name":"a"} x`, "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		name, err := parseNewDragon(strings.NewReader(body))
		if err != nil {
			return
		}
		if name == "" || utf8.RuneCountInString(name) > maxNameRunes || !utf8.ValidString(name) || strings.TrimSpace(name) != name {
			t.Errorf("accepted name %q from %q", name, body)
		}
	})
}

func TestNFTProviderNeedsItsKey(t *testing.T) {
	h := newBackend(siteConfig{}, dappConfig{ClientID: "d1"}, nftProvider{key: "provider-key"})
	get := func(path, key string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if key != "" {
			r.Header.Set("X-Api-Key", key)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get("/nft-provider/nfts?owner=0xabc", ""); w.Code != 401 {
		t.Errorf("no key: %d", w.Code)
	}
	if w := get("/nft-provider/nfts?owner=0xabc", "wrong"); w.Code != 401 {
		t.Errorf("wrong key: %d", w.Code)
	}
	w := get("/nft-provider/nfts?owner=0xABC", "provider-key")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"owner":"0xabc"`) {
		t.Errorf("owned: %d %s", w.Code, w.Body)
	}
	if again := get("/nft-provider/nfts?owner=0xabc", "provider-key"); again.Body.String() != w.Body.String() {
		t.Error("an owner's NFTs change between calls")
	}
	if w := get("/dapp/config.json", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"clientId":"d1"`) {
		t.Errorf("dApp config: %d %s", w.Code, w.Body)
	}
	if w := get("/dapp/dapp.html", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "dapp.js") {
		t.Errorf("dApp page: %d", w.Code)
	}
	if w := get("/dapp/sigv4.js", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "AWS4-HMAC-SHA256") {
		t.Errorf("dApp signer: %d", w.Code)
	}
}

package e2e

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/testenv"
)

// dappConfig is what the demo dApp reads from /dapp/config.json.
type dappConfig struct {
	IdentityPoolID string `json:"identityPoolId"`
	ClientID       string `json:"clientId"`
}

func readDappConfig(t *testing.T, m *Moat) dappConfig {
	t.Helper()
	resp, err := http.Get(m.GatewayURL + "/dapp/config.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cfg dappConfig
	if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil || cfg.IdentityPoolID == "" {
		t.Fatalf("/dapp/config.json: %v %+v", err, cfg)
	}
	return cfg
}

// thirdPartyNFTAPI is a provider the demo is configured to use in place of
// its stand-in: it records which owners were asked for and refuses calls
// without its key.
type thirdPartyNFTAPI struct {
	key    string
	mu     sync.Mutex
	owners []string
}

func (p *thirdPartyNFTAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Api-Key")), []byte(p.key)) != 1 {
		http.Error(w, `{"error":"bad key"}`, http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/nfts" {
		p.mu.Lock()
		p.owners = append(p.owners, r.URL.Query().Get("owner"))
		p.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"owner":"`+r.URL.Query().Get("owner")+`","path":"`+r.URL.Path+`"}`)
}

// TestDappInBrowser: headless Chromium driven by playwright-core opens the
// demo dApp with a wallet injected (ethers signs), signs in, and both API
// calls succeed; the provider's key is never in the page or its traffic.
func TestDappInBrowser(t *testing.T) {
	node := nodeWithClients(t)
	chromium := chromiumPath(t)
	provider := &thirdPartyNFTAPI{key: "provider-" + randomString(24, "abcdefghijklmnopqrstuvwxyz0123456789")}
	upstream := httptest.NewServer(provider)
	defer upstream.Close()
	m := startMoat(t, moatOptions{Env: []string{"MOAT_DEMO_NFT_API_URL=" + upstream.URL, "MOAT_DEMO_NFT_API_KEY=" + provider.key}})

	const walletKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
	const walletAddress = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"
	screenshot := filepath.Join(artifactDir(t), "dapp-signed-in.png")
	runClientScript(t, []string{node, filepath.Join("clients", "node", "dapp_browser.mjs")}, "",
		"MOAT_DAPP_URL="+m.GatewayURL+"/dapp/dapp.html", "MOAT_WALLET_KEY="+walletKey,
		"MOAT_SECRET="+provider.key, "MOAT_SCREENSHOT="+screenshot, "MOAT_CHROMIUM="+chromium)
	if info, err := os.Stat(screenshot); err != nil || info.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", screenshot, err)
	}
	t.Logf("screenshot of the signed-in dApp: %s", screenshot)
	provider.mu.Lock()
	owners := provider.owners
	provider.mu.Unlock()
	if len(owners) != 1 || owners[0] != walletAddress {
		t.Errorf("the provider was asked for owners %v; want only the signed-in wallet %s", owners, walletAddress)
	}
	if strings.Contains(m.log.String(), provider.key) {
		t.Error("moat's log holds the provider key")
	}
}

// TestDappGuestRoute: a guest (no wallet) gets identity-pool credentials of
// the guest role, which may call the one public SigV4 route and no other.
func TestDappGuestRoute(t *testing.T) {
	m := startMoat(t, moatOptions{})
	cfg := readDappConfig(t, m)
	ids := ci.New(ci.Options{Region: m.Region, BaseEndpoint: aws.String(m.IdentityURL), RetryMaxAttempts: 1, HTTPClient: sdkHTTPClient})
	id, err := ids.GetId(t.Context(), &ci.GetIdInput{IdentityPoolId: &cfg.IdentityPoolID})
	if err != nil {
		t.Fatalf("GetId for a guest: %v", err)
	}
	out, err := ids.GetCredentialsForIdentity(t.Context(), &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity for a guest: %v", err)
	}
	creds := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	call := func(path string) (int, string) {
		r, _ := http.NewRequest("GET", m.GatewayURL+path, nil)
		awsapitest.Sign(t, r, nil, creds, "execute-api", m.Region)
		resp, body := do(t, r)
		return resp.StatusCode, string(body)
	}
	if status, body := call("/floor-price"); status != 200 || !strings.Contains(body, "floorPriceEth") {
		t.Errorf("guest on the public route: %d %s", status, body)
	}
	if status, body := call("/collection"); status != 403 || !strings.Contains(body, "is not authorized to perform: execute-api:Invoke") {
		t.Errorf("guest on a members' route: %d %s", status, body)
	}
}

// chromiumPath is the Chromium browser tests drive: MOAT_CHROMIUM, else
// Debian's.
func chromiumPath(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("MOAT_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "Chromium at "+chromium, "apt-get install -y chromium")
	}
	return chromium
}

// artifactDir is where tests leave files for people to look at
// (MOAT_TEST_ARTIFACTS, default test-artifacts/ at the repository root).
func artifactDir(t *testing.T) string {
	dir := os.Getenv("MOAT_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

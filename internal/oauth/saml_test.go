package oauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"

	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/userpool"
)

// samlIdP is a SAML identity provider built with crewjam/saml that signs
// every request in as dave.
type samlIdP struct {
	idp *saml.IdentityProvider
	srv *httptest.Server
	acs string
}

func (s *samlIdP) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour), NameID: "dave@saml.example",
		UserEmail: "dave@saml.example", UserGivenName: "Dave", UserName: "dave"}
}

func (s *samlIdP) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	acs, _ := url.Parse(s.acs)
	sp := saml.ServiceProvider{EntityID: id, AcsURL: *acs}
	return sp.Metadata(), nil
}

func newSAMLIdP(t *testing.T, acs string) *samlIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s := &samlIdP{acs: acs}
	mux := http.NewServeMux()
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	base, _ := url.Parse(s.srv.URL)
	s.idp = &saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"),
		SessionProvider: s, ServiceProviderProvider: s}
	mux.HandleFunc("/sso", s.idp.ServeSSO)
	return s
}

var (
	samlActionPattern = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	samlFieldPattern  = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)
)

// A SAML IdP signs a user in: SP-initiated, the signed assertion verified
// at /saml2/idpresponse; a tampered one is refused.
func TestSAMLFederation(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	idp := newSAMLIdP(t, tb.url+"/saml2/idpresponse")
	metadata, err := xml.Marshal(idp.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.pools.CreateIdentityProvider(ctx, &userpool.IdentityProviderInput{UserPoolId: tb.poolID, ProviderName: "Corp-SAML", ProviderType: "SAML",
		ProviderDetails:  map[string]string{"MetadataFile": string(metadata)},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3", "given_name": "urn:oid:2.5.4.42"}}); err != nil {
		t.Fatal(err)
	}
	out, err := tb.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{UserPoolId: tb.poolID, ClientName: "web",
		ClientConfig: userpool.ClientConfig{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{"code"},
			AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"Corp-SAML"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := out.UserPoolClient.ClientId

	post := func(tamper bool) fetched {
		b := tb.browser()
		b.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		start := b.get(authorizeQuery(clientID, "", "identity_provider", "Corp-SAML"))
		if start.location == nil || !strings.HasPrefix(start.location.String(), idp.srv.URL+"/sso?") {
			t.Fatalf("authorize did not go to the IdP: %d %v", start.status, start.location)
		}
		res, err := http.Get(start.location.String())
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(res)
		form := url.Values{}
		for _, m := range samlFieldPattern.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], unescape(m[2]))
		}
		action := samlActionPattern.FindStringSubmatch(body)
		if action == nil || form.Get("SAMLResponse") == "" {
			t.Fatalf("the IdP's answer has no form:\n%s", body)
		}
		if tamper {
			form.Set("SAMLResponse", tamperedResponse(t, form.Get("SAMLResponse")))
		}
		return b.post(unescape(action[1]), form)
	}
	done := post(false)
	if done.location == nil || done.location.Query().Get("code") == "" {
		t.Fatalf("after the SAML response: %d %v\n%s", done.status, done.location, done.body)
	}
	status, tokens := tb.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {done.location.Query().Get("code")},
		"redirect_uri": {callback}, "client_id": {clientID}}, "", "")
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, tokens)
	}
	claims := testenv.JWTClaims(t, tokens["id_token"].(string))
	if claims["cognito:username"] != "Corp-SAML_dave@saml.example" || claims["email"] != "dave@saml.example" || claims["given_name"] != "Dave" {
		t.Fatalf("the SAML user's ID token: %v", claims)
	}
	refused := post(true)
	if refused.location == nil || refused.location.Query().Get("error") != "invalid_request" || refused.location.Query().Get("code") != "" {
		t.Fatalf("a tampered SAML response: %d %v", refused.status, refused.location)
	}
}

// tamperedResponse changes the subject of a signed SAML response.
func tamperedResponse(t *testing.T, encoded string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.ReplaceAll(string(raw), "dave@saml.example", "mallory@saml.example")
	if changed == string(raw) {
		t.Fatal("the response does not name dave")
	}
	return base64.StdEncoding.EncodeToString([]byte(changed))
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

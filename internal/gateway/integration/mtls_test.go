package integration_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
)

// testCA issues certificates for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a leaf's certificate and key PEM, for a server on 127.0.0.1
// or for a client.
func (ca *testCA) issue(t *testing.T, name string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A backend that requires client certificates from its CA gets through
// moat only on a route configured with such a certificate; the others are
// the gateway's 502, and never reach the backend's handler.
func TestProxyMutualTLS(t *testing.T) {
	ca, otherCA := newTestCA(t, "backend CA"), newTestCA(t, "other CA")
	dir := t.TempDir()
	serverCert, serverKey := ca.issue(t, "backend", x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	clients := x509.NewCertPool()
	clients.AddCert(ca.cert)
	var peers []string
	backend := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peers = append(peers, r.TLS.PeerCertificates[0].Subject.CommonName)
		io.WriteString(w, "hello "+r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	backend.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clients}
	backend.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	backend.StartTLS()
	defer backend.Close()

	caFile := writeFile(t, dir, "ca.pem", ca.pem)
	goodCert, goodKey := ca.issue(t, "moat-gateway", x509.ExtKeyUsageClientAuth)
	strangerCert, strangerKey := otherCA.issue(t, "stranger", x509.ExtKeyUsageClientAuth)
	withCert := func(path, cert, key string) gateway.Route {
		r := proxyRoute("GET", path, backend.URL)
		r.Integration.ClientCertificate = &gateway.ClientCertificate{CertFile: cert, KeyFile: key, CAFile: caFile}
		return r
	}
	url := serveGateway(t,
		withCert("/good", writeFile(t, dir, "good.pem", goodCert), writeFile(t, dir, "good-key.pem", goodKey)),
		withCert("/stranger", writeFile(t, dir, "stranger.pem", strangerCert), writeFile(t, dir, "stranger-key.pem", strangerKey)),
		proxyRoute("GET", "/none", backend.URL),
	)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/good", 200, "hello moat-gateway"},
		{"/stranger", 502, `{"message":"Internal server error"}`},
		{"/none", 502, `{"message":"Internal server error"}`},
	} {
		res, err := http.Get(url + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s: %d %s, want %d %s", tc.path, res.StatusCode, body, tc.status, tc.body)
		}
	}
	if len(peers) != 1 || peers[0] != "moat-gateway" {
		t.Errorf("the backend served %v; want only moat-gateway", peers)
	}
}

// A certificate file that is not there fails the route's build, naming it.
func TestProxyMutualTLSMissingFile(t *testing.T) {
	r := proxyRoute("GET", "/", "https://127.0.0.1:1")
	r.Integration.ClientCertificate = &gateway.ClientCertificate{CertFile: "/nonexistent/cert.pem", KeyFile: "/nonexistent/key.pem"}
	_, err := gateway.New(gateway.Config{APIs: []gateway.API{{Name: "api", Routes: []gateway.Route{r}}}, NewIntegration: newBuilder(t).New})
	if err == nil {
		t.Fatal("a route with a missing client certificate was built")
	}
}

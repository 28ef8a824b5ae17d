package e2e

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 10's gateway hardening, through the real binary: one canonical
// path for every stage, verified headers a client cannot remove or forge,
// and bounded bodies and slow clients.

// recordingBackend remembers every request line and the claim headers it
// was sent.
type recordingBackend struct {
	URL  string
	mu   sync.Mutex
	seen []backendRequest
}

type backendRequest struct {
	URI string
	Sub []string // every header that folds to x-user-sub
}

func newRecordingBackend(t *testing.T) *recordingBackend {
	t.Helper()
	rb := &recordingBackend{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sub []string
		for name, values := range r.Header {
			if strings.EqualFold(strings.ReplaceAll(name, "_", "-"), "X-User-Sub") {
				sub = append(sub, values...)
			}
		}
		rb.mu.Lock()
		rb.seen = append(rb.seen, backendRequest{URI: r.RequestURI, Sub: sub})
		rb.mu.Unlock()
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "backend saw "+r.RequestURI)
	}))
	t.Cleanup(srv.Close)
	rb.URL = srv.URL
	return rb
}

func (rb *recordingBackend) take() []backendRequest {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	seen := rb.seen
	rb.seen = nil
	return seen
}

const (
	canonicalIAMAPI    = "c4n0n1ca1p"
	canonicalPolicyAPI = "p011ced000"
)

func canonicalPathYAML(backend, issuer string) string {
	return fmt.Sprintf(`apis:
  - name: paths
    basePath: /h
    authorizers:
      - name: partner
        type: JWT
        issuers: [{issuer: %[2]q, audience: [%[3]q]}]
        claimHeaders: {sub: X-User-Sub}
    routes:
      - {method: GET, path: "/open/{proxy+}", integration: {type: http_proxy, uri: "%[1]s/open/{proxy}"}}
      - {method: GET, path: "/secure/{proxy+}", authorizer: partner, integration: {type: http_proxy, uri: "%[1]s/secure/{proxy}"}}
  - name: signed
    id: %[4]s
    type: REST
    basePath: /iam
    stages: [{name: prod}]
    authorizers: [{name: iam, type: AWS_IAM}]
    routes:
      - {method: ANY, path: "/{proxy+}", authorizer: iam, integration: {type: http_proxy, uri: "%[1]s/{proxy}"}}
  - name: policed
    id: %[5]s
    type: REST
    basePath: /rp
    stages: [{name: prod}]
    resourcePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/admin/*"}]}'
    routes:
      - {method: GET, path: "/{proxy+}", integration: {type: http_proxy, uri: "%[1]s/{proxy}"}}
roles:`, backend, issuer, partnerAud, canonicalIAMAPI, canonicalPolicyAPI) +
		identityRoleYAML("PathCallers", "unauthenticated", `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:`+canonicalIAMAPI+`/prod/GET/*"},
  {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:`+canonicalIAMAPI+`/prod/GET/admin/*"}]}`) + "\n"
}

// rawGatewayCall sends a request line and headers exactly as given, so no client
// normalizes the path on the way, and reads the answer.
func rawGatewayCall(t *testing.T, addr, method, target string, header http.Header) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, addr)
	for name, values := range header {
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	b.WriteString("\r\n")
	io.WriteString(conn, b.String())
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(body)
}

// Item 1: encoded dot segments, encoded slashes and backslashes cannot take
// a request to a route, or past a Deny, that authorization never saw; what
// the backend is sent is the path authorization saw.
func TestGatewayOneCanonicalPath(t *testing.T) {
	t.Parallel()
	backend, partner := newRecordingBackend(t), newOIDCIssuer(t)
	m := startMoat(t, moatOptions{Config: canonicalPathYAML(backend.URL, partner.URL)})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	creds := guestCredentials(t, ctx, m, "PathCallers")

	t.Run("an open {proxy+} route does not lead to a secured one", func(t *testing.T) {
		for _, target := range []string{
			"/h/open/%2e%2e/secure/x", "/h/open/%2E%2E/secure/x", "/h/open/%2e%2E/secure/x", "/h/open/.%2e/secure/x",
			"/h/open/a/%2e%2e/%2e%2e/secure/x", "/h/open//%2e%2e/secure/x", "/h/open/%2e%2e//secure/x",
			"/h/open/%2E%2E%2fsecure/x", "/h/open/..%2Fsecure/x", "/h/open/..%2fsecure/x", "/h/open/..%5Csecure/x",
			`/h/open/..\secure/x`, "/h/open/..;/secure/x", "/h/%2e%2e/h/secure/x",
		} {
			status, body := rawGatewayCall(t, m.gatewayAddr, "GET", target, nil)
			// 401: the secured route's authorizer; 400: no canonical form;
			// 307: the listener's own redirect to a cleaned path.
			if !slices.Contains([]int{400, 401, 307}, status) {
				t.Errorf("GET %s: %d %s", target, status, body)
			}
			if seen := backend.take(); len(seen) > 0 {
				t.Errorf("GET %s reached the backend as %+v", target, seen)
			}
		}
		status, _ := rawGatewayCall(t, m.gatewayAddr, "GET", "/h/secure/a/%2e%2e/%2e%2e/open/b", nil)
		if seen := backend.take(); status != 200 || len(seen) != 1 || seen[0].URI != "/open/b" {
			t.Errorf("GET /h/secure/a/%%2e%%2e/%%2e%%2e/open/b: %d, backend saw %+v; want /open/b", status, seen)
		}
	})

	t.Run("an IAM explicit Deny holds", func(t *testing.T) {
		denied := "User: arn:aws:sts::" + sigv4Account + ":assumed-role/PathCallers/CognitoIdentityCredentials is not authorized to perform: " +
			"execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:" + sigv4Account + ":" + canonicalIAMAPI + "/prod/GET/admin/x with an explicit deny"
		for _, c := range []struct {
			path   string
			status int
			saw    string // the backend's request line; "": not reached
		}{
			{"public/%2e%2e/admin/x", 403, ""},
			{"public/%2E%2E/admin/x", 403, ""},
			{"public/.%2e/admin/x", 403, ""},
			{"public/..%2Fadmin/x", 400, ""},
			{"public/%2e%2e%2fadmin/x", 400, ""},
			{"public/..%5Cadmin/x", 400, ""},
			{"public/x", 200, "/public/x"},
			{"admin/%2e%2e/public/y", 200, "/public/y"},
		} {
			a := goSigV4Calls(t, m.GatewayURL+"/iam/prod", []sigv4Call{{method: "GET", path: c.path, creds: creds}})[0]
			seen := backend.take()
			switch {
			case a.Status != c.status:
				t.Errorf("signed GET %s: %d %s, want %d", c.path, a.Status, a.Body, c.status)
			case c.status == 403 && a.Body != `{"message":"`+denied+`"}`:
				t.Errorf("signed GET %s: %s\nwant %s", c.path, a.Body, denied)
			case c.saw == "" && len(seen) > 0, c.saw != "" && (len(seen) != 1 || seen[0].URI != c.saw):
				t.Errorf("signed GET %s: backend saw %+v, want %q", c.path, seen, c.saw)
			}
		}
	})

	t.Run("a resource-policy Deny holds", func(t *testing.T) {
		denied := `{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:` +
			sigv4Account + ":" + canonicalPolicyAPI + `/prod/GET/admin/x with an explicit deny"}`
		for _, target := range []string{"/rp/prod/public/%2e%2e/admin/x", "/rp/prod/public/%2E%2e/admin/x", "/rp/prod/a/b/%2e%2e/%2e%2e/admin/x"} {
			status, body := rawGatewayCall(t, m.gatewayAddr, "GET", target, nil)
			if status != 403 || body != denied {
				t.Errorf("GET %s: %d %s\nwant 403 %s", target, status, body, denied)
			}
			if seen := backend.take(); len(seen) > 0 {
				t.Errorf("GET %s reached the backend as %+v", target, seen)
			}
		}
	})

	// Item 2: the claim header reaches the backend with the verified value
	// only: named in Connection it is still set, and look-alikes spelled
	// with underscores are dropped.
	t.Run("verified headers cannot be removed or forged", func(t *testing.T) {
		token := partner.mint(t, partnerAud, time.Now(), nil)
		for _, h := range []http.Header{
			{"Connection": {"X-User-Sub"}},
			{"Connection": {"keep-alive, x-user-sub"}, "X-User-Sub": {"forged"}},
			{"X_User_Sub": {"forged"}},
			{"X-User_Sub": {"forged"}, "x_user_sub": {"forged-too"}},
		} {
			h.Set("Authorization", "Bearer "+token)
			status, body := rawGatewayCall(t, m.gatewayAddr, "GET", "/h/secure/me", h)
			seen := backend.take()
			if status != 200 || len(seen) != 1 || !slices.Equal(seen[0].Sub, []string{"partner-user"}) {
				t.Errorf("with %v: %d %s, backend saw %+v; want X-User-Sub: partner-user only", h, status, body, seen)
			}
		}
	})
}

// Item 4: slow-drip bodies cannot hold connections (each is answered or
// closed within a minute) while a 64 MiB upload streams through, an
// oversized body gets API Gateway's 413, and an error message quoting a huge
// input does not make a huge header.
func TestGatewaySlowBodiesAndLimits(t *testing.T) {
	t.Parallel()
	var uploads struct {
		sync.Mutex
		sums []string
	}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			return
		}
		sum := fmt.Sprintf("%d %x", n, h.Sum(nil))
		uploads.Lock()
		uploads.sums = append(uploads.sums, sum)
		uploads.Unlock()
		io.WriteString(w, sum)
	}))
	t.Cleanup(backend.Close)
	m := startMoat(t, moatOptions{Config: fmt.Sprintf(`apis:
  - name: uploads
    basePath: /big
    maxBodyBytes: 134217728
    routes:
      - {method: PUT, path: /blob, integration: {type: http_proxy, uri: "%[1]s/blob"}}
  - name: default
    basePath: /small
    routes:
      - {method: PUT, path: /blob, integration: {type: http_proxy, uri: "%[1]s/blob"}}
`, backend.URL)})

	type slowResult struct {
		what string
		took time.Duration
		err  error
	}
	slow := func(what, addr, target string, header string) <-chan slowResult {
		done := make(chan slowResult, 1)
		go func() {
			start := time.Now()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				done <- slowResult{what, 0, err}
				return
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 100000\r\n%s\r\n", target, addr, header)
			answered := make(chan struct{})
			go func() { // a byte every two seconds until the server answers or hangs up
				for {
					select {
					case <-answered:
						return
					case <-time.After(2 * time.Second):
						if _, err := conn.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
			conn.SetReadDeadline(start.Add(65 * time.Second))
			_, err = bufio.NewReader(conn).ReadByte() // an answer, or EOF when closed
			close(answered)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				done <- slowResult{what, time.Since(start), fmt.Errorf("still open after %v", time.Since(start))}
				return
			}
			done <- slowResult{what, time.Since(start), nil}
		}()
		return done
	}
	slowOnes := []<-chan slowResult{
		slow("gateway, proxied route", m.gatewayAddr, "/big/blob", ""),
		slow("gateway, default API", m.gatewayAddr, "/small/blob", ""),
		slow("gateway, no route", m.gatewayAddr, "/nowhere", ""),
		slow("identity API", m.identityAddr, "/", "X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\nContent-Type: application/x-amz-json-1.1\r\n"),
	}

	const size = 64 << 20
	want := sha256.New()
	io.Copy(want, io.LimitReader(zeroReader{}, size))
	req, _ := http.NewRequest("PUT", m.GatewayURL+"/big/blob", io.LimitReader(zeroReader{}, size))
	req.ContentLength = size
	res, body := do(t, req)
	if wantSum := fmt.Sprintf("%d %x", size, want.Sum(nil)); res.StatusCode != 200 || string(body) != wantSum {
		t.Errorf("64 MiB upload beside slow clients: %d %.200s", res.StatusCode, body)
	}

	req, _ = http.NewRequest("PUT", m.GatewayURL+"/small/blob", io.LimitReader(zeroReader{}, 10<<20+1))
	req.ContentLength = -1
	res, body = do(t, req)
	if res.StatusCode != 413 || string(body) != "HTTP content length exceeded 10485760 bytes." {
		t.Errorf("a streamed body over 10 MiB: %d %s", res.StatusCode, body)
	}

	for _, ch := range slowOnes {
		r := <-ch
		if r.err != nil || r.took > time.Minute {
			t.Errorf("slow body to the %s: %v after %v", r.what, r.err, r.took)
		} else {
			t.Logf("slow body to the %s: answered or closed after %v", r.what, r.took.Round(time.Second))
		}
	}

	// A Cognito error quoting a huge client id keeps its header small.
	huge := strings.Repeat("c", 100<<10)
	res, body = do(t, newRawRequest(t, m, "InitiateAuth", []byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+huge+`","AuthParameters":{"USERNAME":"a","PASSWORD":"b"}}`)))
	var answer struct{ Message string }
	json.Unmarshal(body, &answer)
	if n := len(res.Header.Get("X-Amzn-Errormessage")); res.StatusCode != 400 || n > 1024 || n == 0 {
		t.Errorf("InitiateAuth with a 100 KiB client id: %d, x-amzn-ErrorMessage of %d bytes (body %.100s)", res.StatusCode, n, body)
	}
}

// zeroReader yields zero bytes without end.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

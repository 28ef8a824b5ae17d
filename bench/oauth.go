package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The -oauth mode measures moat's token endpoint: client_credentials
// tokens per second, and the code flow's /oauth2/token exchanges per
// second (codes made beforehand through /oauth2/authorize with a signed-in
// browser's session, so no password hashing is in the measured part).
// Published for comparison: Keycloak's sizing guide plans about 120
// client-credential grants per second per vCPU.

const benchCallback = "http://localhost:4000/callback"

func runOAuth(ctx context.Context, opts options) error {
	dir, err := os.MkdirTemp("", "moat-bench-oauth-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary := filepath.Join(dir, "moat")
	if out, err := execGo(ctx, "build", "-o", binary, "./cmd/moat"); err != nil {
		return fmt.Errorf("go build ./cmd/moat (run the bench from the module root): %v\n%s", err, out)
	}
	identity, err := freeAddr()
	if err != nil {
		return err
	}
	gatewayAddr, err := freeAddr()
	if err != nil {
		return err
	}
	keyID, secret := "AKIA"+strings.ToUpper(randomHex(8)), randomHex(20)
	l := &launcher{binary: binary, dir: dir, identity: identity, gateway: gatewayAddr,
		env: []string{"MOAT_ADMIN_ACCESS_KEY_ID=" + keyID, "MOAT_ADMIN_SECRET_ACCESS_KEY=" + secret}}
	cmd, err := l.start(ctx, "log-level: warn\n")
	if err != nil {
		return err
	}
	defer stopProcess(cmd)
	base := "http://" + identity
	idp := cip.New(cip.Options{Region: benchRegion, BaseEndpoint: aws.String(base), Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, "")})
	s, err := setUpOAuth(ctx, idp)
	if err != nil {
		return err
	}
	p := proc{cmd.Process.Pid}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opts.connections}, Timeout: 10 * time.Second}
	credentialsGrant := func() bool {
		return tokenCall(ctx, client, base, url.Values{"grant_type": {"client_credentials"}}, s.machineID, s.machineSecret)
	}
	fmt.Fprintf(os.Stderr, "bench: client_credentials (%s)...\n", opts.duration)
	cc, err := hammer(ctx, p, opts, func() outcome { return outcomeOf(credentialsGrant()) })
	if err != nil {
		return err
	}

	codes, err := makeCodes(ctx, base, s, int(10000*opts.duration/(10*time.Second))+500)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: authorization_code exchanges (%s, %d codes ready)...\n", opts.duration, len(codes))
	var next atomic.Int64
	ac, err := hammer(ctx, p, opts, func() outcome {
		i := next.Add(1) - 1
		if int(i) >= len(codes) {
			return done
		}
		return outcomeOf(tokenCall(ctx, client, base, url.Values{"grant_type": {"authorization_code"}, "code": {codes[i]},
			"redirect_uri": {benchCallback}}, s.webID, s.webSecret))
	})
	if err != nil {
		return err
	}
	fmt.Printf("OAuth token endpoint, %d concurrent clients, %s each (this machine: %d cores)\n\n", opts.connections, opts.duration, numCPU())
	fmt.Printf("| grant | tokens/s | CPU per token | errors |\n|---|---:|---:|---:|\n")
	for _, r := range []struct {
		name string
		r    hammered
	}{{"client_credentials (1 access token)", cc}, {"authorization_code (access + ID + refresh)", ac}} {
		fmt.Printf("| %s | %.0f | %s | %d |\n", r.name, r.r.perSecond(), ms(r.r.cpuPerOp()), r.r.failed)
	}
	fmt.Printf("\nKeycloak's sizing guide: about 120 client-credential grants per second per vCPU (%d here: ~%d/s).\n", numCPU(), 120*numCPU())
	if ac.exhausted {
		fmt.Println("(the code exchanges ran out of prepared codes before the time was up: the rate is over the codes made)")
	}
	return nil
}

type oauthSetup struct {
	machineID, machineSecret string
	webID, webSecret         string
}

func setUpOAuth(ctx context.Context, idp *cip.Client) (*oauthSetup, error) {
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench")})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPool: %w", err)
	}
	poolID := pool.UserPool.Id
	if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: poolID, Identifier: aws.String("bench"), Name: aws.String("bench"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}); err != nil {
		return nil, fmt.Errorf("CreateResourceServer: %w", err)
	}
	machine, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: aws.String("machine"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}, AllowedOAuthScopes: []string{"bench/read"}})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	web, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: aws.String("web"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{benchCallback}})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("bench"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		return nil, fmt.Errorf("AdminCreateUser: %w", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: poolID, Username: aws.String("bench"),
		Password: aws.String(benchPassword), Permanent: true}); err != nil {
		return nil, fmt.Errorf("AdminSetUserPassword: %w", err)
	}
	return &oauthSetup{machineID: aws.ToString(machine.UserPoolClient.ClientId), machineSecret: aws.ToString(machine.UserPoolClient.ClientSecret),
		webID: aws.ToString(web.UserPoolClient.ClientId), webSecret: aws.ToString(web.UserPoolClient.ClientSecret)}, nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// makeCodes signs in once through the hosted page, then asks
// /oauth2/authorize for n codes with the session cookie.
func makeCodes(ctx context.Context, base string, s *oauthSetup, n int) ([]string, error) {
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), benchCallback) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	authorize := base + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {s.webID}, "redirect_uri": {benchCallback}, "scope": {"openid email"}}.Encode()
	res, err := browser.Get(authorize)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no sign-in form at %s", res.Request.URL)
	}
	res, err = browser.PostForm(res.Request.URL.String(), url.Values{"_csrf": {string(m[1])}, "username": {"bench"}, "password": {benchPassword}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("sign-in: %d", res.StatusCode)
	}
	codes := make([]string, 0, n)
	for len(codes) < n && ctx.Err() == nil {
		res, err := browser.Get(authorize)
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			return nil, fmt.Errorf("authorize with a session: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		codes = append(codes, loc.Query().Get("code"))
	}
	return codes, ctx.Err()
}

func tokenCall(ctx context.Context, client *http.Client, base string, form url.Values, id, secret string) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	return res.StatusCode == http.StatusOK && json.NewDecoder(res.Body).Decode(&body) == nil && body.AccessToken != ""
}

// hammered is one measured run: how many calls succeeded and failed in
// how long, and the CPU moat spent.
type hammered struct {
	ok, failed   int64
	exhausted    bool // op ran out of work before the time was up
	elapsed, cpu time.Duration
}

// outcome is one call's: it succeeded, it failed, or there is no work left.
type outcome int

const (
	succeeded outcome = iota
	failed
	done
)

func outcomeOf(ok bool) outcome {
	if ok {
		return succeeded
	}
	return failed
}

func (h hammered) perSecond() float64 { return float64(h.ok) / h.elapsed.Seconds() }

func (h hammered) cpuPerOp() time.Duration {
	if h.ok == 0 {
		return 0
	}
	return h.cpu / time.Duration(h.ok)
}

// hammer calls op from opts.connections goroutines for opts.duration (or
// until op has no work left), counting successes and failures.
func hammer(ctx context.Context, p proc, opts options, op func() outcome) (hammered, error) {
	before, err := p.cpuTime()
	if err != nil {
		return hammered{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.duration)
	defer cancel()
	var ok, bad atomic.Int64
	var exhausted atomic.Bool
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < opts.connections; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				switch op() {
				case succeeded:
					ok.Add(1)
				case done:
					exhausted.Store(true)
					cancel()
				default:
					if ctx.Err() == nil {
						bad.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, err := p.cpuTime()
	if err != nil {
		return hammered{}, err
	}
	return hammered{ok: ok.Load(), failed: bad.Load(), exhausted: exhausted.Load(), elapsed: elapsed, cpu: after - before}, nil
}

func numCPU() int { return runtime.NumCPU() }

func execGo(ctx context.Context, args ...string) ([]byte, error) {
	return exec.CommandContext(ctx, "go", args...).CombinedOutput()
}

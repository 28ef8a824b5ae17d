package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/moat-dev/moat/internal/testenv"
)

const (
	readyTimeout = 20 * time.Second
	stopTimeout  = 10 * time.Second
	logTailLines = 100
)

// moatOptions chooses how a test's moat stores its state.
type moatOptions struct {
	DatabaseURL string   // empty: SQLite in DataDir
	DataDir     string   // empty: t.TempDir()
	Env         []string // extra KEY=VALUE
	Config      string   // YAML for --config; empty: none
	Args        []string // extra command-line arguments for moat serve
}

// Moat is one running moat process started by a test.
type Moat struct {
	IdentityURL, GatewayURL         string // http://127.0.0.1:PORT
	Region, AdminKeyID, AdminSecret string

	options                   moatOptions
	identityAddr, gatewayAddr string
	log                       *logBuffer
	cmd                       *exec.Cmd
	exited                    chan struct{} // closed when cmd has been waited for
	waitErr                   error         // set before exited is closed
}

// startMoat starts moat serve on two free loopback ports with fresh admin
// credentials, waits until it is healthy, and stops it when the test ends.
func startMoat(t *testing.T, opts moatOptions) *Moat {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	m := &Moat{
		Region:      "us-east-1",
		AdminKeyID:  "AKIA" + randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		AdminSecret: randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
		options:     opts,
		log:         &logBuffer{},
	}
	addrs := freeLoopbackAddrs(t, 2)
	m.identityAddr, m.gatewayAddr = addrs[0], addrs[1]
	m.IdentityURL = "http://" + m.identityAddr
	m.GatewayURL = "http://" + m.gatewayAddr
	t.Cleanup(func() {
		m.stop(t)
		if t.Failed() {
			t.Logf("last %d lines of moat's log:\n%s", logTailLines, m.log.tail(logTailLines))
		}
	})
	m.start(t)
	return m
}

// forEachBackend runs a test once against SQLite and once against PostgreSQL,
// the two stores moat ships with, each with its own moat.
func forEachBackend(t *testing.T, run func(t *testing.T, opts moatOptions)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		run(t, moatOptions{})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, moatOptions{DatabaseURL: testenv.NewPostgresDatabase(t)})
	})
}

// Restart stops moat and starts it again with the same ports, options and
// credentials, as an operator restarting the service would.
func (m *Moat) Restart(t *testing.T) {
	t.Helper()
	m.stop(t)
	fmt.Fprintf(m.log, "---- e2e: restarting moat ----\n")
	m.start(t)
}

// metrics is what moat's /metrics answers now.
func (m *Moat) metrics(t *testing.T) string {
	t.Helper()
	res, err := http.Get(m.IdentityURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// cognito returns an SDK client for the identity listener signed with the
// admin credentials. Retries are off so every error reaches the test as is.
// Every response it receives must carry x-amzn-RequestId, as AWS's do.
func (m *Moat) cognito(t *testing.T) *cognitoidentityprovider.Client {
	t.Helper()
	return m.cognitoAs(t, credentials.NewStaticCredentialsProvider(m.AdminKeyID, m.AdminSecret, ""))
}

// cognitoAs is cognito signing with other credentials (aws.AnonymousCredentials:
// not signing). Each client must have its own signer, which New gives it: the
// SDK's signer caches derived keys by access key id alone, so a shared one
// would go on using a wrong secret once it had seen one.
func (m *Moat) cognitoAs(t *testing.T, creds aws.CredentialsProvider) *cognitoidentityprovider.Client {
	return cognitoidentityprovider.New(cognitoidentityprovider.Options{
		Region:           m.Region,
		BaseEndpoint:     aws.String(m.IdentityURL),
		Credentials:      creds,
		RetryMaxAttempts: 1,
		HTTPClient:       sdkHTTPClient,
		APIOptions:       []func(*middleware.Stack) error{requireRequestID(t)},
	})
}

// requireRequestID fails the test when a response lacks x-amzn-RequestId.
// It sits next to the transport, so it sees every raw response, errors too.
func requireRequestID(t *testing.T) func(*middleware.Stack) error {
	check := middleware.DeserializeMiddlewareFunc("moatRequireRequestID", func(
		ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler,
	) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Header.Get("X-Amzn-RequestId") == "" {
			t.Errorf("%s: HTTP %d response without x-amzn-RequestId", middleware.GetOperationName(ctx), resp.StatusCode)
		}
		return out, md, err
	})
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(check, middleware.After)
	}
}

// secretHash is the SECRET_HASH Cognito expects from clients with a secret.
func secretHash(clientSecret, username, clientID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (m *Moat) start(t *testing.T) {
	t.Helper()
	args := []string{"serve",
		"--identity-addr", m.identityAddr,
		"--gateway-addr", m.gatewayAddr,
		"--data-dir", m.options.DataDir,
		"--region", m.Region,
	}
	if m.options.DatabaseURL != "" {
		args = append(args, "--database-url", m.options.DatabaseURL)
	}
	if m.options.Config != "" {
		file := filepath.Join(m.options.DataDir, "moat-test.yaml")
		if err := os.WriteFile(file, []byte(m.options.Config), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", file)
	}
	args = append(args, m.options.Args...)
	cmd := exec.Command(moatBinary, args...)
	cmd.Env = append(os.Environ(),
		"MOAT_ADMIN_ACCESS_KEY_ID="+m.AdminKeyID,
		"MOAT_ADMIN_SECRET_ACCESS_KEY="+m.AdminSecret,
	)
	cmd.Env = append(cmd.Env, m.options.Env...)
	cmd.Stdout = m.log
	cmd.Stderr = m.log
	// A child that inherits moat's output must not keep Wait blocked forever.
	cmd.WaitDelay = stopTimeout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moat: %v", err)
	}
	m.cmd = cmd
	m.exited = make(chan struct{})
	go func(exited chan struct{}) {
		m.waitErr = cmd.Wait()
		close(exited)
	}(m.exited)
	m.waitHealthy(t)
}

// waitHealthy polls GET /healthz on the identity listener until it answers
// 200, moat exits, or readyTimeout passes.
func (m *Moat) waitHealthy(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-m.exited:
			t.Fatalf("moat exited before it was healthy (%v); log:\n%s", m.waitErr, m.log.tail(logTailLines))
		default:
		}
		resp, err := client.Get(m.IdentityURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("moat was not healthy at %s/healthz within %s; log:\n%s", m.IdentityURL, readyTimeout, m.log.tail(logTailLines))
}

// stop sends SIGTERM and waits for moat to exit, killing it if it does not.
// It is safe to call when moat is already stopped.
func (m *Moat) stop(t *testing.T) {
	t.Helper()
	if m.cmd == nil {
		return
	}
	defer func() { m.cmd = nil }()
	select {
	case <-m.exited:
		t.Errorf("moat had already exited: %v", m.waitErr)
		return
	default:
	}
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("SIGTERM moat: %v", err)
	}
	select {
	case <-m.exited:
		if m.waitErr != nil {
			t.Errorf("moat did not exit cleanly on SIGTERM: %v", m.waitErr)
		}
	case <-time.After(stopTimeout):
		m.cmd.Process.Kill()
		<-m.exited
		t.Errorf("moat did not exit within %s of SIGTERM; killed", stopTimeout)
	}
}

// freeLoopbackAddrs returns n distinct loopback addresses nothing listens on
// right now; the listeners stay open until all are picked so no two match.
func freeLoopbackAddrs(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs
}

// randomString returns n characters drawn from alphabet; uniformly when the
// alphabet's length divides 256, as both of ours do.
func randomString(n int, alphabet string) string {
	var b strings.Builder
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err)
	}
	for _, c := range buf {
		b.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return b.String()
}

// logBuffer collects moat's stdout and stderr for failure reports; its
// String is everything moat has written so far.
type logBuffer struct {
	testenv.LogBuffer
}

// waitFor reports whether moat has written every one of texts within a few
// seconds: its log reaches the test through a pipe, after the answer a
// client already holds.
func (l *logBuffer) waitFor(texts ...string) bool {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		log := l.String()
		if !slices.ContainsFunc(texts, func(s string) bool { return !strings.Contains(log, s) }) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// tail returns the last n lines written.
func (l *logBuffer) tail(n int) string {
	lines := strings.Split(strings.TrimRight(l.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/testenv"
)

// binDir holds the binary built for this test run; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildMoat compiles the real binary once per test run.
var buildMoat = sync.OnceValues(func() (string, error) {
	var err error
	if binDir, err = os.MkdirTemp("", "moat-bin-"); err != nil {
		return "", err
	}
	bin := filepath.Join(binDir, "moat")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

// moatBinary is the real binary, built once per test run; a test is
// skipped where Go is not installed.
func moatBinary(t *testing.T) string {
	t.Helper()
	testenv.LookPath(t, "go", "install Go")
	bin, err := buildMoat()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// process is a running `moat serve` and what it wrote to stderr.
type process struct {
	cmd      *exec.Cmd
	mu       sync.Mutex
	stderr   strings.Builder
	identity string // base URLs, read from the start-up log
	gateway  string
	exited   chan error
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

var listeningLine = regexp.MustCompile(`"msg":"(identity API|gateway) listening on (http://[0-9.:]+)"`)

func startMoat(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, append([]string{"serve", "--identity-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0"}, args...)...), exited: make(chan error, 1)}
	for _, kv := range os.Environ() { // keep the developer's MOAT_* settings out
		if !strings.HasPrefix(kv, "MOAT_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			line := scanner.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				if m[1] == "gateway" {
					p.gateway = m[2]
				} else {
					p.identity = m[2]
				}
				if p.identity != "" && p.gateway != "" {
					close(ready)
				}
			}
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, stderr)
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	select {
	case <-ready:
	case err := <-p.exited:
		t.Fatalf("moat exited before listening (%v):\n%s", err, p.output())
	case <-time.After(15 * time.Second):
		t.Fatalf("moat did not report its addresses within 15s:\n%s", p.output())
	}
	return p
}

// stop sends SIGTERM and requires a clean exit within a few seconds.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("moat exited with %v after SIGTERM:\n%s", err, p.output())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("moat did not exit within 5s of SIGTERM:\n%s", p.output())
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && string(body) == `{"status":"ok"}` {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz never became healthy (last error %v)", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fetch(t *testing.T, method, url string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var printedCreds = regexp.MustCompile(`Access key ID:\s+(AKIA[A-Z0-9]{16})\s+Secret access key:\s+(\S{40})`)

func TestBinaryServesAndStopsCleanly(t *testing.T) {
	bin := moatBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")

	first := startMoat(t, bin, "--data-dir", dataDir)
	waitHealthy(t, first.identity)
	waitHealthy(t, first.gateway)
	if code, body := fetch(t, "POST", first.identity+"/", "X-Amz-Target", "AWSCognitoIdentityProviderService.NoSuchOperation", "Content-Type", "application/x-amz-json-1.1"); code != 400 || !strings.Contains(body, "UnknownOperationException") {
		t.Errorf("AWS JSON call to an unknown operation: %d %s", code, body)
	}
	if code, body := fetch(t, "GET", first.gateway+"/some/api"); code != 404 || body != `{"message":"Not Found"}` {
		t.Errorf("gateway: %d %s", code, body)
	}
	_, metrics := fetch(t, "GET", first.identity+"/metrics")
	for _, want := range []string{"go_goroutines", "process_resident_memory_bytes", `moat_aws_errors_total{code="UnknownOperationException"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	first.stop(t)
	m := printedCreds.FindStringSubmatch(first.output())
	if m == nil {
		t.Fatalf("first start did not print admin credentials:\n%s", first.output())
	}
	if strings.Count(first.output(), m[2]) != 2 { // the block and the export line, never a log line
		t.Errorf("secret appears %d times in stderr, want exactly the 2 in the credentials block", strings.Count(first.output(), m[2]))
	}

	second := startMoat(t, bin, "--data-dir", dataDir)
	waitHealthy(t, second.identity)
	second.stop(t)
	if strings.Contains(second.output(), "Secret access key") || strings.Contains(second.output(), m[2]) {
		t.Errorf("second start printed the credentials again:\n%s", second.output())
	}

	st, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dataDir, "moat.db"), sqlstore.WithMasterKey(masterKeyIn(t, dataDir)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kept, created, err := admin.LoadCredentials(context.Background(), st, admin.Credentials{})
	if err != nil || created || kept.AccessKeyID != m[1] || kept.SecretAccessKey != m[2] {
		t.Errorf("stored credentials (%s, created=%v, err=%v) differ from the printed %s", kept.AccessKeyID, created, err, m[1])
	}
}

func TestBinaryRefusesBadConfiguration(t *testing.T) {
	bin := moatBinary(t)
	out, err := exec.Command(bin, "serve", "--region", "Mars", "--data-dir", t.TempDir()).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(string(out), "region") {
		t.Fatalf("got %v, output %s; want a non-zero exit naming the region", err, out)
	}
}

func TestBinaryOnPostgres(t *testing.T) {
	bin := moatBinary(t)
	url := testenv.NewPostgresDatabase(t)
	p := startMoat(t, bin, "--database-url", url, "--data-dir", filepath.Join(t.TempDir(), "unused"))
	waitHealthy(t, p.identity)
	p.stop(t)
	if !printedCreds.MatchString(p.output()) {
		t.Errorf("first start on a fresh database did not print admin credentials:\n%s", p.output())
	}
}

// A start that fails (here: the gateway's port is taken) prints no
// generated secret and stores none, so the next start still shows them.
func TestFailedStartKeepsTheSecretsUnprinted(t *testing.T) {
	bin := moatBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	api := filepath.Join(t.TempDir(), "api.yaml") // an API of its own: no demo
	if err := os.WriteFile(api, []byte("apis:\n  - name: a\n    routes:\n      - {method: GET, path: /, integration: {type: mock, body: ok}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := startOnTakenGatewayPort(t, bin, "--data-dir", dataDir, "--api", api)
	if strings.Contains(out, "Secret access key") {
		t.Fatalf("a failed start printed the generated credentials:\n%s", out)
	}
	next := startMoat(t, bin, "--data-dir", dataDir, "--api", api)
	waitHealthy(t, next.identity)
	next.stop(t)
	if printedCreds.FindStringSubmatch(next.output()) == nil {
		t.Fatalf("the start after a failed one did not print the admin credentials:\n%s", next.output())
	}
}

// The demo users' passwords, like the admin credentials, are made and
// shown only once moat is sure to run: a start on a taken port shows none,
// and the next start shows them.
func TestFailedStartKeepsTheDemoPasswordsUnprinted(t *testing.T) {
	bin := moatBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	out := startOnTakenGatewayPort(t, bin, "--data-dir", dataDir)
	if strings.Contains(out, "_PASSWORD=") || strings.Contains(out, "Secret access key") {
		t.Fatalf("a failed start printed once-only secrets:\n%s", out)
	}
	next := startMoat(t, bin, "--data-dir", dataDir)
	waitHealthy(t, next.identity)
	next.stop(t)
	for _, want := range []*regexp.Regexp{printedCreds, regexp.MustCompile(`export RIDER_PASSWORD=\S+`), regexp.MustCompile(`export KEEPER_PASSWORD=\S+`)} {
		if !want.MatchString(next.output()) {
			t.Errorf("the start after a failed one did not print %s:\n%s", want, next.output())
		}
	}
}

// startOnTakenGatewayPort runs moat serve with args and a gateway address
// something else holds, requires it to fail for that, and returns its output.
func startOnTakenGatewayPort(t *testing.T, bin string, args ...string) string {
	t.Helper()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	failed := exec.Command(bin, append(append([]string{"serve"}, args...), "--identity-addr", "127.0.0.1:0", "--gateway-addr", busy.Addr().String())...)
	failed.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := failed.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "gateway listener") {
		t.Fatalf("start on a taken port: %v\n%s", err, out)
	}
	return string(out)
}

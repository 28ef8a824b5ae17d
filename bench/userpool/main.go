// Command userpool measures what a user pool's size costs: it loads a
// pool with users through Cognito's CSV import (1,000,000 by default) on
// SQLite and on PostgreSQL, and measures the p50/p99 latency of sign-in
// (USER_PASSWORD_AUTH and SRP), GetUser, AdminGetUser, ListUsers with an
// email prefix filter and its pagination, sign-up and refresh, first at
// 1,000 users and again at the full size; then the identity side's
// throughput: password sign-ins per second against the argon2id bound
// (with moat's peak RSS under a burst of 500 concurrent sign-ins) and
// refreshes per second. Run it from the module root:
//
//	go run ./bench/userpool
//	go run ./bench/userpool -users 100000 -backends sqlite
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

type options struct {
	users, small, measured      int
	samples, hashSamples        int
	backends, postgresURL       string
	burst, refreshers           int
	warmUp, duration            time.Duration
	skipLatency, skipThroughput bool
}

func main() {
	var o options
	flag.IntVar(&o.users, "users", 1_000_000, "users in the pool at the large size")
	flag.IntVar(&o.small, "small", 1_000, "users in the pool at the small size")
	flag.IntVar(&o.measured, "measured", 20, "users given a password to sign in with")
	flag.IntVar(&o.samples, "samples", 300, "calls measured per cheap operation")
	flag.IntVar(&o.hashSamples, "hash-samples", 60, "calls measured per operation that hashes a password (sign-in, sign-up)")
	flag.StringVar(&o.backends, "backends", "sqlite,postgres", "stores to measure, comma-separated")
	flag.StringVar(&o.postgresURL, "postgres", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to make the bench's database on")
	flag.IntVar(&o.burst, "burst", 500, "concurrent clients signing in for the sign-in throughput")
	flag.IntVar(&o.refreshers, "refreshers", 32, "concurrent clients refreshing for the refresh throughput")
	flag.DurationVar(&o.warmUp, "warm-up", 2*time.Second, "unmeasured start of each throughput run")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured length of each throughput run")
	flag.BoolVar(&o.skipLatency, "no-latency", false, "skip the latency runs (only load and measure throughput)")
	flag.BoolVar(&o.skipThroughput, "no-throughput", false, "skip the throughput runs")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench userpool:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "moat-bench-userpool-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary := filepath.Join(dir, "moat")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", binary, "./cmd/moat").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/moat (run from the module root): %v\n%s", err, out)
	}
	fmt.Printf("moat user pool at scale: %d and %d users; this machine: %d cores, load %s\n\n", o.small, o.users, runtime.NumCPU(), loadAverage())
	for _, kind := range strings.Split(o.backends, ",") {
		if err := runBackend(ctx, o, binary, filepath.Join(dir, kind), kind); err != nil {
			// What moat logged is gone with the directory: show its end.
			if log, _ := os.ReadFile(filepath.Join(dir, kind, "moat.log")); len(log) > 0 {
				fmt.Fprintf(os.Stderr, "moat's log ends:\n%s\n", log[max(0, len(log)-4000):])
			}
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

func runBackend(ctx context.Context, o options, binary, dir, kind string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := newBackend(ctx, kind, dir, o.postgresURL)
	if err != nil {
		return err
	}
	defer b.cleanup()
	keyID, secret := "AKIA"+strings.ToUpper(randomHex(8)), randomHex(20)
	env := []string{"MOAT_ADMIN_ACCESS_KEY_ID=" + keyID, "MOAT_ADMIN_SECRET_ACCESS_KEY=" + secret}
	m, err := startMoat(ctx, binary, dir, b, env)
	if err != nil {
		return err
	}
	defer func() { m.stop() }()
	clients := func(m *moat) (admin, public *cip.Client) {
		common := cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.identityURL), RetryMaxAttempts: 1}
		admin, public = cip.New(common), cip.New(common)
		admin = cip.New(common, func(o *cip.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(keyID, secret, "") })
		return admin, public
	}
	admin, public := clients(m)
	p, err := setUpPool(ctx, m.identityURL, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, admin, public)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: loading %d users\n", b.name, o.small)
	first, err := importUsers(ctx, admin, p.id, 0, o.small)
	if err != nil {
		return err
	}
	if err := p.givePasswords(ctx, o.measured); err != nil {
		return err
	}
	var small, large []latency
	if !o.skipLatency {
		fmt.Fprintf(os.Stderr, "%s: measuring at %d users\n", b.name, o.small)
		if small, err = p.latencies(ctx, o.small, "small", o.samples, o.hashSamples); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%s: loading %d more users\n", b.name, o.users-o.small)
	rest, err := importUsers(ctx, admin, p.id, o.small, o.users)
	if err != nil {
		return err
	}
	fmt.Printf("## %s\n\nImport (CSV files of up to %d users, PUT to the jobs' PreSignedUrls): %d users in %s, **%.0f users/s** (upload %s); load %s\n\n",
		b.name, usersPerFile, first.users+rest.users, (first.imported + rest.imported).Round(time.Second), float64(first.users+rest.users)/(first.imported+rest.imported).Seconds(),
		(first.upload + rest.upload).Round(100*time.Millisecond), loadAverage())
	if !o.skipLatency {
		fmt.Fprintf(os.Stderr, "%s: measuring at %d users\n", b.name, o.users)
		if large, err = p.latencies(ctx, o.users, "large", o.samples, o.hashSamples); err != nil {
			return err
		}
		printLatencies(o, small, large)
		fmt.Printf("(load after: %s)\n\n", loadAverage())
	}
	if o.skipThroughput {
		return nil
	}
	// A fresh process, so its peak RSS is the burst's.
	m.stop()
	if m, err = startMoat(ctx, binary, dir, b, env); err != nil {
		return err
	}
	return p.throughput(ctx, o, m)
}

func printLatencies(o options, small, large []latency) {
	fmt.Printf("| operation | p50 at %d | p99 at %d | p50 at %d | p99 at %d | p99 ratio |\n|---|---:|---:|---:|---:|---:|\n", o.small, o.small, o.users, o.users)
	for i := range small {
		fmt.Printf("| %s | %s | %s | %s | %s | %.2f |\n", small[i].name, ms(small[i].p50), ms(small[i].p99), ms(large[i].p50), ms(large[i].p99),
			large[i].p99.Seconds()/small[i].p99.Seconds())
	}
	fmt.Println()
}

// throughput measures sign-ins per second under a burst and refreshes per second.
func (p *pool) throughput(ctx context.Context, o options, m *moat) error {
	bound := hashBound()
	fmt.Fprintf(os.Stderr, "sign-in burst: %d clients\n", o.burst)
	signIns, err := hammer(ctx, m, "InitiateAuth", p.signInBodies(), o.burst, o.warmUp, o.duration)
	if err != nil {
		return err
	}
	rss, err := m.peakRSS()
	if err != nil {
		return err
	}
	after := hashBound()
	bound = (bound + after) / 2
	refreshBodies, err := p.refreshBodies(ctx, m, o.refreshers)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "refresh: %d clients\n", o.refreshers)
	refreshes, err := hammer(ctx, m, "InitiateAuth", refreshBodies, o.refreshers, o.warmUp, o.duration)
	if err != nil {
		return err
	}
	fmt.Printf("| throughput | per second | moat CPU per call | other answers |\n|---|---:|---:|---:|\n")
	fmt.Printf("| password sign-ins, %d concurrent clients (%d refused with TooManyRequestsException, retried) | %.1f (%.0f%% of the argon2id bound %.1f/s: %d cores ÷ %s per hash) | %s | %d |\n",
		o.burst, signIns.refused, signIns.perSecond(), 100*signIns.perSecond()/bound, bound, runtime.NumCPU(),
		ms(time.Duration(float64(runtime.NumCPU())/bound*float64(time.Second))), ms(signIns.cpuPerOp()), signIns.failed)
	fmt.Printf("| refreshes (REFRESH_TOKEN_AUTH), %d concurrent clients | %.0f | %s | %d |\n\n", o.refreshers, refreshes.perSecond(), ms(refreshes.cpuPerOp()), refreshes.failed)
	fmt.Printf("Peak RSS of moat through the sign-in burst: %d MiB. Load: %s\n\n", rss>>20, loadAverage())
	if signIns.failed > 0 || refreshes.failed > 0 {
		return fmt.Errorf("%d sign-ins and %d refreshes answered neither tokens nor TooManyRequestsException", signIns.failed, refreshes.failed)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", d.Seconds()*1000) }

// loadAverage is the machine's 1-minute load, which other work on a shared
// machine moves: the numbers are read against it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

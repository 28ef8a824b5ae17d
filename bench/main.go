// Command bench measures moat's gateway against nginx on this machine:
// requests per second, p50/p99 latency and the proxy's CPU time per request,
// for a plain proxy, a JWT authorizer, JWT plus CORS, an IAM (SigV4)
// authorizer, and JWT plus an API key in a usage plan. Run it from the
// module root with `go run ./bench`; it needs nginx and wrk on PATH.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	opts := options{}
	flag.DurationVar(&opts.duration, "duration", 10*time.Second, "length of each measured wrk run")
	flag.IntVar(&opts.threads, "threads", 2, "wrk threads")
	flag.IntVar(&opts.connections, "connections", 32, "wrk connections (kept alive)")
	flag.BoolVar(&opts.accessLog, "access-log", false, "let nginx and moat write their access logs (to files); off by default in both")
	oauth := flag.Bool("oauth", false, "measure the OAuth token endpoint instead (client_credentials and code exchanges per second); needs neither nginx nor wrk")
	flag.Parse()

	// Every run is bounded: setup, warm-ups, and the measured runs.
	limit := 2*time.Minute + 10*(opts.duration+2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	measure := run
	if *oauth {
		measure = runOAuth
	}
	if err := measure(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	duration             time.Duration
	threads, connections int
	accessLog            bool
}

// run starts the backend, nginx and moat, measures each configuration and
// prints the table. Everything it started is stopped and its temporary
// directory removed before it returns.
func run(ctx context.Context, opts options) error {
	for _, tool := range []string{"nginx", "wrk"} {
		if _, err := lookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (Debian: apt-get install -y nginx wrk)", tool)
		}
	}
	dir, err := os.MkdirTemp("", "moat-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	backend, err := startBackend()
	if err != nil {
		return err
	}
	defer backend.Close()

	nginx, err := startNginx(ctx, dir, backend.addr, opts.accessLog)
	if err != nil {
		return err
	}
	defer nginx.stop()

	moat, err := startMoatForBench(ctx, dir, backend.addr, opts.accessLog)
	if err != nil {
		return err
	}
	defer moat.stop()

	auth := "Authorization: Bearer " + moat.idToken
	keyed := moat.url + "/keyed/prod/items/42"
	cases := []benchCase{
		{"nginx (proxy_pass, keepalive)", nginx.proc, nginx.url + "/items/42", []string{auth}, nil},
		{"moat: plain proxy", moat.proc, moat.url + "/plain/items/42", []string{auth}, nil},
		{"moat: lambda_proxy → warm Go function", moat.proc, moat.url + "/fn/items/42", []string{auth}, nil},
		{"moat: JWT authorizer", moat.proc, moat.url + "/jwt/items/42", []string{auth}, &refusal{url: moat.url + "/jwt/items/42"}},
		{"moat: JWT + CORS", moat.proc, moat.url + "/cors/items/42", []string{auth, "Origin: " + benchOrigin}, &refusal{url: moat.url + "/cors/items/42"}},
		{"moat: IAM (SigV4, presigned)", moat.proc, moat.iamURL, nil, &refusal{url: moat.url + "/iam/items/42"}},
		{"moat: JWT + API key + usage plan", moat.proc, keyed, []string{auth, "x-api-key: " + moat.apiKey}, &refusal{url: keyed, headers: []string{auth}}},
		{"moat: WAF, 10 rules", moat.proc, moat.url + "/wafrules/prod/items/42", []string{auth, "User-Agent: wrk"}, &refusal{url: moat.url + "/wafrules/prod/items/42?debug=true"}},
		{"moat: WAF, CRS common rule set", moat.proc, moat.url + "/wafcrs/prod/items/42", []string{auth, "User-Agent: wrk"}, &refusal{url: moat.url + "/wafcrs/prod/items/42?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"}},
	}
	var results []result
	for _, c := range cases {
		fmt.Fprintf(os.Stderr, "bench: %s (%s)...\n", c.name, opts.duration)
		r, err := measure(ctx, c, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		results = append(results, r)
	}
	printTable(os.Stdout, results, opts)
	return nil
}

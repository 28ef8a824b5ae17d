// Command bench measures moat's gateway against nginx on this machine:
// requests per second, p50/p99 latency and the proxy's CPU time per request,
// for a plain proxy, a JWT authorizer, JWT plus CORS, an IAM (SigV4)
// authorizer, JWT plus an API key in a usage plan, a cached Lambda
// authorizer, two web ACLs and a warm function, with both proxies writing an
// access-log line per request. Run it from the module root with
// `go run ./bench`; it needs nginx and wrk on PATH.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"
)

func main() {
	opts := options{}
	flag.DurationVar(&opts.duration, "duration", 10*time.Second, "length of each measured wrk run")
	flag.IntVar(&opts.threads, "threads", 2, "wrk threads")
	flag.IntVar(&opts.connections, "connections", 32, "wrk connections (kept alive)")
	flag.IntVar(&opts.rounds, "rounds", 1, "measure every configuration this many times, round by round, and show each one's median (for a busy machine)")
	only := flag.String("only", "", "measure only the configurations whose name or path matches this regular expression (case-insensitive); nginx, the baseline, always runs")
	flag.StringVar(&opts.profileDir, "profile", "", "write a CPU profile of moat over each measured run into this directory (<configuration>.pprof; read with go tool pprof)")
	oauth := flag.Bool("oauth", false, "measure the OAuth token endpoint instead (client_credentials and code exchanges per second); needs neither nginx nor wrk")
	flag.Parse()
	if *only != "" {
		re, err := regexp.Compile("(?i)" + *only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -only:", err)
			os.Exit(2)
		}
		opts.only = re
	}
	if opts.rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -rounds must be at least 1")
		os.Exit(2)
	}

	// Every run is bounded: setup, warm-ups, and the measured runs.
	limit := 2*time.Minute + time.Duration(opts.rounds)*12*(opts.duration+warmUp+time.Second)
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
	rounds               int
	profileDir           string         // "": no profiles
	only                 *regexp.Regexp // nil: every configuration
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

	backend, err := startBackend(ctx, dir)
	if err != nil {
		return err
	}
	defer backend.stop()

	nginx, err := startNginx(ctx, dir, backend.addr)
	if err != nil {
		return err
	}
	defer nginx.stop()

	moat, err := startMoatForBench(ctx, dir, backend, opts.profileDir != "")
	if err != nil {
		return err
	}
	defer moat.stop()

	auth := "Authorization: Bearer " + moat.idToken
	keyed := moat.url + "/keyed/prod/items/42"
	wafHeaders := []string{auth, "User-Agent: wrk"}
	cases := []benchCase{
		{name: "nginx (proxy_pass, keepalive)", proxy: nginx.proc.cpuTime, backend: backend.proc.cpuTime, url: nginx.url + "/items/42", headers: []string{auth}},
		moat.bench("plain proxy", "/plain/items/42", []string{auth}, nil),
		moat.bench("JWT authorizer", "/jwt/items/42", []string{auth}, &refusal{url: moat.url + "/jwt/items/42"}),
		moat.bench("JWT + CORS", "/cors/items/42", []string{auth, "Origin: " + benchOrigin}, &refusal{url: moat.url + "/cors/items/42"}),
		moat.bench("IAM (SigV4, presigned)", strings.TrimPrefix(moat.iamURL, moat.url), nil, &refusal{url: moat.url + "/iam/items/42"}),
		moat.bench("JWT + API key + usage plan", "/keyed/prod/items/42", []string{auth, "x-api-key: " + moat.apiKey}, &refusal{url: keyed, headers: []string{auth}}),
		moat.bench("Lambda authorizer (cached)", "/lambdaauth/items/42", []string{auth}, &refusal{url: moat.url + "/lambdaauth/items/42"}),
		moat.bench("WAF, 10 rules", "/wafrules/prod/items/42", wafHeaders, &refusal{url: moat.url + "/wafrules/prod/items/42?debug=true"}),
		moat.bench("WAF, CRS common rule set", "/wafcrs/prod/items/42", wafHeaders, &refusal{url: moat.url + "/wafcrs/prod/items/42?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"}),
		moat.bench("lambda_proxy → warm Go function", "/fn/items/42", []string{auth}, nil),
	}
	cases = selected(cases, opts.only)
	// Each round measures every configuration once, so a burst of other
	// work on the machine lands on one round of each rather than on every
	// run of one configuration; the table shows each one's median round.
	runs := make([][]result, len(cases))
	for round := 1; round <= opts.rounds; round++ {
		for i, c := range cases {
			fmt.Fprintf(os.Stderr, "bench: round %d/%d: %s (%s)...\n", round, opts.rounds, c.name, opts.duration)
			r, err := measure(ctx, c, opts)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			fmt.Fprintf(os.Stderr, "bench: round %d/%d: %s: %.0f requests/s, p50 %s, p99 %s, %s µs/req (proxy %s, backend %s, workers %s)\n",
				round, opts.rounds, c.name, r.rps, ms(r.p50), ms(r.p99), us(r.cpuPerReq()), us(r.proxyCPU), us(r.backendCPU), us(r.workerCPU))
			runs[i] = append(runs[i], r)
		}
	}
	results := make([]result, len(cases))
	for i := range runs {
		results[i] = median(runs[i])
		results[i].lowest, results[i].highest = spread(runs[i])
	}
	printTable(os.Stdout, results, opts)
	if opts.only == nil || opts.only.MatchString(lambdaAPIName) {
		fmt.Fprintf(os.Stderr, "bench: %s...\n", lambdaAPIName)
		l, err := moat.measureLambdaAPI(ctx, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", lambdaAPIName, err)
		}
		l.print(os.Stdout)
	}
	return nil
}

// selected keeps the first case (nginx, every ratio's base) and those whose
// name or URL path only matches (not the query: a presigned one is random
// text that could match anything).
func selected(cases []benchCase, only *regexp.Regexp) []benchCase {
	if only == nil {
		return cases
	}
	kept := cases[:1]
	for _, c := range cases[1:] {
		path, _, _ := strings.Cut(c.url, "?")
		if only.MatchString(c.name) || only.MatchString(path) {
			kept = append(kept, c)
		}
	}
	return kept
}

package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"
)

// The rows the goal compares: a warm function behind the gateway
// at most 2× the HTTP-proxied call, each with everything it runs on.
const (
	nginxRow    = "nginx (proxy_pass, keepalive)"
	plainRow    = "moat: plain proxy"
	functionRow = "moat: lambda_proxy → warm Go function"
)

// printTable writes one row per configuration with its CPU per request
// split into the proxy's, the backend's and the function workers'; moat's
// rows compare their proxy CPU with nginx's when nginx was measured.
func printTable(w io.Writer, results []result, opts options) {
	fmt.Fprintf(w, "\n%d s per run, wrk -t%d -c%d, loopback, %d CPUs; CPU = utime+stime (/proc/<pid>/stat) / requests of:\n",
		int(opts.duration.Seconds()), opts.threads, opts.connections, runtime.NumCPU())
	fmt.Fprintln(w, "  proxy = moat's process alone, or nginx's master and worker; backend = the HTTP backend's process;")
	fmt.Fprintln(w, "  workers = moat's function workers (its child processes); total = all three")
	if opts.rounds > 1 {
		fmt.Fprintf(w, "each row: the median (by total CPU per request) of %d rounds\n", opts.rounds)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configuration\trequests/s\tp50\tp99\tproxy µs/req\tbackend µs/req\tworkers µs/req\ttotal µs/req\trounds' totals\tproxy vs nginx\t")
	var nginx time.Duration
	if i := slices.IndexFunc(results, func(r result) bool { return r.name == nginxRow }); i >= 0 {
		nginx = results[i].proxyCPU
	}
	for _, r := range results {
		ratio := "–"
		if nginx > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(r.proxyCPU)/float64(nginx))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s–%s\t%s\t\n", r.name, r.rps, ms(r.p50), ms(r.p99),
			us(r.proxyCPU), us(r.backendCPU), us(r.workerCPU), us(r.cpuPerReq()), us(r.lowest), us(r.highest), ratio)
	}
	tw.Flush()
	plain := slices.IndexFunc(results, func(r result) bool { return r.name == plainRow })
	fn := slices.IndexFunc(results, func(r result) bool { return r.name == functionRow })
	if plain >= 0 && fn >= 0 {
		p, f := results[plain], results[fn]
		fmt.Fprintf(w, "\nwarm function vs HTTP backend behind the gateway, total CPU per request (moat + workers vs moat + backend):\n"+
			"  %s µs vs %s µs = %.2f× (goal: at most 2×)\n", us(f.cpuPerReq()), us(p.cpuPerReq()), float64(f.cpuPerReq())/float64(p.cpuPerReq()))
	}
}

// median is the run whose total CPU per request is the median of runs,
// each of its numbers its own (one measured run, not a mix of several).
func median(runs []result) result {
	sorted := slices.SortedFunc(slices.Values(runs), func(a, b result) int { return cmp.Compare(a.cpuPerReq(), b.cpuPerReq()) })
	return sorted[len(sorted)/2]
}

// spread is the lowest and the highest total CPU per request of runs.
func spread(runs []result) (lowest, highest time.Duration) {
	lowest, highest = runs[0].cpuPerReq(), runs[0].cpuPerReq()
	for _, r := range runs[1:] {
		lowest, highest = min(lowest, r.cpuPerReq()), max(highest, r.cpuPerReq())
	}
	return lowest, highest
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func us(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond)) }

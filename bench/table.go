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

// printTable writes one row per configuration; moat's rows compare its CPU
// per request with nginx's (the first row).
func printTable(w io.Writer, results []result, opts options) {
	fmt.Fprintf(w, "\n%d s per run, wrk -t%d -c%d, loopback, %d CPUs; proxy CPU = utime+stime of the proxy's processes / requests\n",
		int(opts.duration.Seconds()), opts.threads, opts.connections, runtime.NumCPU())
	if opts.rounds > 1 {
		fmt.Fprintf(w, "each row: the median (by CPU per request) of %d rounds\n", opts.rounds)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configuration\trequests/s\tp50\tp99\tproxy CPU µs/req\tCPU vs nginx\t")
	base := results[0].cpuPerReq
	for _, r := range results {
		ratio := "1.00×"
		if r.name != results[0].name && base > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(r.cpuPerReq)/float64(base))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%.1f\t%s\t\n", r.name, r.rps, ms(r.p50), ms(r.p99),
			float64(r.cpuPerReq)/float64(time.Microsecond), ratio)
	}
	tw.Flush()
}

// median is the run whose CPU per request is the median of runs, each of
// its numbers its own (one measured run, not a mix of several).
func median(runs []result) result {
	sorted := slices.SortedFunc(slices.Values(runs), func(a, b result) int { return cmp.Compare(a.cpuPerReq, b.cpuPerReq) })
	return sorted[len(sorted)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchCase is one proxy configuration driven by wrk.
type benchCase struct {
	name string
	// The CPU a request costs is counted over three parts: the proxy's own
	// processes, the HTTP backend and moat's function workers (nil: none).
	proxy, backend, workers cpuMeter
	url                     string
	headers                 []string
	refusal                 *refusal // nil: the configuration authorizes nothing
	// profiles is the base URL of the proxy's profile listener; "": none.
	profiles string
}

// result is one measured run.
type result struct {
	name     string
	requests int64
	rps      float64
	p50, p99 time.Duration
	// CPU per request of the proxy, the backend and the function workers.
	proxyCPU, backendCPU, workerCPU time.Duration
	nonSuccess                      int64
	measuredFor                     time.Duration
	// lowest and highest are the total CPU per request of the rounds' runs.
	lowest, highest time.Duration
}

// cpuPerReq is the request's whole CPU: proxy, backend and workers.
func (r result) cpuPerReq() time.Duration { return r.proxyCPU + r.backendCPU + r.workerCPU }

// warmUp is the unmeasured run before each measured one: long enough for
// connections, caches and the Go runtime's heap to settle after the
// previous configuration's run.
const warmUp = 3 * time.Second

// measure checks the configuration answers 200 and refuses what it must,
// warms the proxy up (connections, keys, the verified-token cache), then
// runs wrk for the set duration, reading the proxy's CPU time around it
// and, with -profile, recording the proxy's CPU profile over it.
func measure(ctx context.Context, c benchCase, opts options) (result, error) {
	if err := c.answersOK(ctx); err != nil {
		return result{}, err
	}
	if err := c.refusal.check(ctx); err != nil {
		return result{}, err
	}
	if _, err := runWrk(ctx, c, opts, warmUp); err != nil {
		return result{}, err
	}
	meters := []cpuMeter{c.proxy, c.backend, c.workers}
	before, err := readMeters(meters)
	if err != nil {
		return result{}, err
	}
	profiled := c.profile(ctx, opts)
	r, err := runWrk(ctx, c, opts, opts.duration)
	if err != nil {
		return result{}, err
	}
	if err := <-profiled; err != nil {
		return result{}, err
	}
	after, err := readMeters(meters)
	if err != nil {
		return result{}, err
	}
	if r.nonSuccess > 0 {
		return r, fmt.Errorf("%d of %d responses were not 2xx/3xx", r.nonSuccess, r.requests)
	}
	if r.requests > 0 {
		n := time.Duration(r.requests)
		r.proxyCPU, r.backendCPU, r.workerCPU = (after[0]-before[0])/n, (after[1]-before[1])/n, (after[2]-before[2])/n
	}
	return r, nil
}

// readMeters reads each meter; a nil one reads 0.
func readMeters(meters []cpuMeter) ([]time.Duration, error) {
	out := make([]time.Duration, len(meters))
	for i, m := range meters {
		if m == nil {
			continue
		}
		var err error
		if out[i], err = m(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func runWrk(ctx context.Context, c benchCase, opts options, d time.Duration) (result, error) {
	args := []string{"-t", strconv.Itoa(opts.threads), "-c", strconv.Itoa(opts.connections),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--latency", "--timeout", "5s"}
	for _, h := range c.headers {
		args = append(args, "-H", h)
	}
	args = append(args, c.url)
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	r, err := parseWrk(string(out))
	r.name, r.measuredFor = c.name, d
	return r, err
}

var (
	wrkRequests   = regexp.MustCompile(`(?m)^\s*(\d+) requests in`)
	wrkRPS        = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkPercentile = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx     = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSocketErrs = regexp.MustCompile(`(?m)^\s*Socket errors:.*`)
)

// parseWrk reads wrk --latency's report.
func parseWrk(out string) (result, error) {
	var r result
	m := wrkRequests.FindStringSubmatch(out)
	rps := wrkRPS.FindStringSubmatch(out)
	if m == nil || rps == nil {
		return r, fmt.Errorf("unexpected wrk output:\n%s", out)
	}
	r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	r.rps, _ = strconv.ParseFloat(rps[1], 64)
	for _, p := range wrkPercentile.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[3]]))
		if p[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if n := wrkNon2xx.FindStringSubmatch(out); n != nil {
		r.nonSuccess, _ = strconv.ParseInt(n[1], 10, 64)
	}
	if e := wrkSocketErrs.FindString(out); e != "" {
		return r, fmt.Errorf("wrk: %s", strings.TrimSpace(e))
	}
	return r, nil
}

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// lambdaAPIName is the Lambda API measurements' name for -only.
const lambdaAPIName = "Lambda API: cold start and warm Invoke"

// The Lambda API measurements: coldStarts fresh workers, then warmInvokes
// sequential calls of a warm one.
const (
	coldStarts  = 10
	warmInvokes = 1000
	coldFn      = "bench-invoke"
)

// invokeEvent is the event the Lambda API measurements send.
const invokeEvent = `{"version":"2.0","routeKey":"GET /items/{id}","rawPath":"/items/42","pathParameters":{"id":"42"}}`

// lambdaReport is what the Lambda API measurements found.
type lambdaReport struct {
	cold, coldInit  []time.Duration // each cold start's Invoke, and its REPORT Init Duration
	warm            []time.Duration // each warm Invoke
	warmDuration    time.Duration   // the median warm REPORT Duration
	maxMemoryMB     string          // REPORT Max Memory Used of a warm worker ("" when absent)
	moatCPU, worker time.Duration   // per warm Invoke
}

// measureLambdaAPI creates the bench's Go function through CreateFunction
// and invokes it as an SDK does (signed requests to the Lambda API on the
// identity listener): coldStarts times after an UpdateFunctionConfiguration,
// which retires its warm worker, then warmInvokes times in a row, reading
// moat's and its workers' CPU around the warm calls.
func (m *moatServer) measureLambdaAPI(ctx context.Context, dir string) (*lambdaReport, error) {
	c := signedClient{url: m.identity, service: "lambda", creds: m.admin}
	code, err := zipDir(filepath.Join(dir, "function"))
	if err != nil {
		return nil, err
	}
	if _, err := c.lambda(ctx, http.MethodPost, "/2015-03-31/functions", map[string]any{"FunctionName": coldFn,
		"Runtime": "provided.al2023", "Handler": "bootstrap", "Role": "arn:aws:iam::" + benchAccount + ":role/bench-fn",
		"Code": map[string]any{"ZipFile": code}}); err != nil {
		return nil, err
	}
	r := &lambdaReport{}
	for i := range coldStarts {
		if _, err := c.lambda(ctx, http.MethodPut, "/2015-03-31/functions/"+coldFn+"/configuration",
			map[string]any{"Description": "cold start " + strconv.Itoa(i)}); err != nil {
			return nil, err
		}
		took, report, err := c.invoke(ctx, true)
		if err != nil {
			return nil, err
		}
		initMs, ok := reportField(report, "Init Duration")
		if !ok {
			return nil, fmt.Errorf("cold start %d: the REPORT line has no Init Duration: %q", i, report)
		}
		r.cold, r.coldInit = append(r.cold, took), append(r.coldInit, initMs)
	}
	self, workers := m.proc.ownTime, m.proc.childrenTime
	before, err := readMeters([]cpuMeter{self, workers})
	if err != nil {
		return nil, err
	}
	for range warmInvokes {
		took, _, err := c.invoke(ctx, false)
		if err != nil {
			return nil, err
		}
		r.warm = append(r.warm, took)
	}
	after, err := readMeters([]cpuMeter{self, workers})
	if err != nil {
		return nil, err
	}
	r.moatCPU, r.worker = (after[0]-before[0])/warmInvokes, (after[1]-before[1])/warmInvokes
	var durations []time.Duration
	for range 21 {
		_, report, err := c.invoke(ctx, true)
		if err != nil {
			return nil, err
		}
		d, _ := reportField(report, "Duration")
		durations = append(durations, d)
		r.maxMemoryMB = reportMemory.FindString(report)
	}
	r.warmDuration = quantile(durations, .5)
	return r, nil
}

// lambda calls a Lambda API operation with a JSON body and wants a 2xx.
func (c signedClient) lambda(ctx context.Context, method, path string, in any) ([]byte, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	status, _, out, err := c.send(ctx, method, path, http.Header{"Content-Type": {"application/json"}}, body)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, status, out)
	}
	return out, nil
}

// invoke calls Invoke (RequestResponse) and returns how long it took and,
// with tail, the REPORT line of the log it returned.
func (c signedClient) invoke(ctx context.Context, tail bool) (time.Duration, string, error) {
	header := http.Header{"Content-Type": {"application/json"}}
	if tail {
		header.Set("X-Amz-Log-Type", "Tail")
	}
	start := time.Now()
	status, h, out, err := c.send(ctx, http.MethodPost, "/2015-03-31/functions/"+coldFn+"/invocations", header, []byte(invokeEvent))
	took := time.Since(start)
	if err != nil {
		return 0, "", err
	}
	if status != 200 || h.Get("X-Amz-Function-Error") != "" {
		return 0, "", fmt.Errorf("Invoke: %d %s %s", status, h.Get("X-Amz-Function-Error"), out)
	}
	if !tail {
		return took, "", nil
	}
	log, err := base64.StdEncoding.DecodeString(h.Get("X-Amz-Log-Result"))
	if err != nil {
		return 0, "", fmt.Errorf("Invoke: X-Amz-Log-Result: %w", err)
	}
	return took, reportLine.FindString(string(log)), nil
}

var (
	reportLine   = regexp.MustCompile(`(?m)^REPORT RequestId:.*$`)
	reportMemory = regexp.MustCompile(`Max Memory Used: \d+ MB`)
)

// reportField reads "name: 12.34 ms" from a REPORT line.
func reportField(report, name string) (time.Duration, bool) {
	m := regexp.MustCompile(`(?:^|\t)` + regexp.QuoteMeta(name) + `: ([0-9.]+) ms`).FindStringSubmatch(report)
	if m == nil {
		return 0, false
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	return time.Duration(ms * float64(time.Millisecond)), err == nil
}

// zipDir is a deployment package of dir's files, base64 as CreateFunction takes it.
func zipDir(dir string) (string, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		hdr := &zip.FileHeader{Name: e.Name(), Method: zip.Deflate}
		hdr.SetMode(0o755)
		w, err := zw.CreateHeader(hdr)
		if err == nil {
			_, err = io.Copy(w, f)
		}
		f.Close()
		if err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[int(q*float64(len(s)-1))]
}

// print writes the Lambda API measurements.
func (r *lambdaReport) print(w io.Writer) {
	fmt.Fprintf(w, "\nLambda API (signed requests to moat's identity listener, one client), the bench's Go function:\n")
	fmt.Fprintf(w, "  cold start Invoke (%d, each after UpdateFunctionConfiguration): p50 %s, max %s; REPORT Init Duration p50 %s\n",
		len(r.cold), ms(quantile(r.cold, .5)), ms(slices.Max(r.cold)), ms(quantile(r.coldInit, .5)))
	fmt.Fprintf(w, "  warm Invoke (%d in a row): p50 %s, p99 %s; REPORT Duration p50 %s\n",
		len(r.warm), ms(quantile(r.warm, .5)), ms(quantile(r.warm, .99)), ms(r.warmDuration))
	fmt.Fprintf(w, "  warm Invoke CPU: moat %s µs + worker %s µs = %s µs per call (SigV4 verification included)\n",
		us(r.moatCPU), us(r.worker), us(r.moatCPU+r.worker))
	memory := r.maxMemoryMB
	if memory == "" {
		memory = "not in the REPORT line"
	}
	fmt.Fprintf(w, "  %s (warm worker)\n", memory)
}

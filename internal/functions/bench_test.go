package functions

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// httpEvent is an HTTP API's payload 2.0 event of the size the gateway sends.
const httpEvent = `{"version":"2.0","routeKey":"GET /items/{id}","rawPath":"/items/42","rawQueryString":"",` +
	`"headers":{"accept":"*/*","host":"127.0.0.1:8080","user-agent":"wrk"},"requestContext":{"accountId":"000000000000",` +
	`"apiId":"a1b2c3d4e5","domainName":"127.0.0.1:8080","domainPrefix":"127","http":{"method":"GET","path":"/items/42",` +
	`"protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"wrk"},"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef",` +
	`"routeKey":"GET /items/{id}","stage":"$default","time":"02/Dec/2026:15:00:00 +0000","timeEpoch":1796223600000},` +
	`"pathParameters":{"id":"42"},"isBase64Encoded":false}`

var (
	goZipOnce sync.Once
	goZip     []byte
	goZipErr  error
)

// goFunctionZip is testdata/gofn built as a provided.al2023 package.
func goFunctionZip(b testing.TB) []byte {
	goZipOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gofn")
		if err != nil {
			goZipErr = err
			return
		}
		defer os.RemoveAll(dir)
		build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(dir, "bootstrap"), "./testdata/gofn")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			goZipErr = &buildError{err, string(out)}
			return
		}
		var bootstrap []byte
		if bootstrap, goZipErr = os.ReadFile(filepath.Join(dir, "bootstrap")); goZipErr == nil {
			goZip = zipOf(b, map[string]string{"bootstrap": string(bootstrap)})
		}
	})
	if goZipErr != nil {
		b.Fatal(goZipErr)
	}
	return goZip
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.output }

func goFunction(b testing.TB, r *Runtime, name string) {
	b.Helper()
	_, err := r.Create(context.Background(), name, Definition{Runtime: "provided.al2023", Handler: "bootstrap", Role: testRole}, goFunctionZip(b))
	if err != nil {
		b.Fatal(err)
	}
}

// latencies reports the p50 and p99 of took, in µs.
func latencies(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) }
	b.ReportMetric(at(.50), "p50-µs")
	b.ReportMetric(at(.99), "p99-µs")
}

// cpuTime is this process's CPU time and its children's still running
// (the workers), which the gateway benchmark counts together.
func cpuTime(b *testing.B) (self, workers time.Duration) {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	self = time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	var children []string // each thread's: a worker's parent is the thread that started it
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		children = append(children, strings.Fields(string(b))...)
	}
	for _, pid := range children {
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			continue
		}
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		workers += time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	}
	return self, workers
}

// BenchmarkWarmInvoke: one warm Go function invoked over and over, as the
// gateway invokes it, with the latency of each call.
func BenchmarkWarmInvoke(b *testing.B) {
	r, _ := newTestRuntime(b, nil)
	goFunction(b, r, "warm")
	ctx := context.Background()
	invoke := func() {
		if _, fnErr, err := r.InvokeFunction(ctx, "apigateway.amazonaws.com", "warm", "arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/$default/GET/items/42", []byte(httpEvent)); err != nil || fnErr != "" {
			b.Fatalf("%v %s", err, fnErr)
		}
	}
	invoke() // the cold start
	took := make([]time.Duration, 0, b.N)
	self, workers := cpuTime(b)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		invoke()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	selfAfter, workersAfter := cpuTime(b)
	b.ReportMetric(float64((selfAfter-self).Microseconds())/float64(b.N), "moat-cpu-µs/op")
	b.ReportMetric(float64((workersAfter-workers).Microseconds())/float64(b.N), "worker-cpu-µs/op")
	latencies(b, took)
}

// BenchmarkColdStart: each invocation starts a fresh worker of the Go
// function (its code already unpacked), as the first call after a deploy.
func BenchmarkColdStart(b *testing.B) {
	r, _ := newTestRuntime(b, nil)
	goFunction(b, r, "cold")
	ctx := context.Background()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		r.dropIdle("cold")
		start := time.Now()
		if res, err := r.Invoke(ctx, Request{Function: "cold", Payload: []byte(httpEvent)}); err != nil || res.FunctionError != "" {
			b.Fatalf("%v %s", err, res.Payload)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	latencies(b, took)
}

// BenchmarkWarmInvokeParallel: the Go function invoked by 32 callers at
// once, as the gateway benchmark's 32 connections do: 32 warm workers.
func BenchmarkWarmInvokeParallel(b *testing.B) {
	r, _ := newTestRuntime(b, nil)
	goFunction(b, r, "warm")
	ctx := context.Background()
	invoke := func() error {
		_, fnErr, err := r.InvokeFunction(ctx, "apigateway.amazonaws.com", "warm", "arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/$default/GET/items/42", []byte(httpEvent))
		if err == nil && fnErr != "" {
			b.Errorf("function error %s", fnErr)
		}
		return err
	}
	var wg sync.WaitGroup
	for range 32 { // the workers' cold starts
		wg.Go(func() { _ = invoke() })
	}
	wg.Wait()
	self, workers := cpuTime(b)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := invoke(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	selfAfter, workersAfter := cpuTime(b)
	b.ReportMetric(float64((selfAfter-self).Microseconds())/float64(b.N), "moat-cpu-µs/op")
	b.ReportMetric(float64((workersAfter-workers).Microseconds())/float64(b.N), "worker-cpu-µs/op")
}

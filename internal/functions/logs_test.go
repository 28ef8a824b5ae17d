package functions

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/fanout"
)

// records keeps the log records a handler is given.
type records struct {
	mu    sync.Mutex
	lines []string // message and request id
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	id := ""
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "request_id" {
			id = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, id+" "+rec.Message)
	r.mu.Unlock()
	return nil
}

// Every line a process writes before its answer is in that invocation's
// tail and logged with its request id: whole lines, an unfinished one,
// one longer than the reader's buffer, and none at all; a watcher of the
// function sees the same lines.
func TestOutputCapture(t *testing.T) {
	logged := &records{}
	var watchers fanout.Hub[LogLine]
	watched := make(chan LogLine, 16)
	defer watchers.Watch("fn", watched)()
	defer watchers.Watch("other-fn", make(chan LogLine, 16))()
	o, err := newOutput(slog.New(logged), &watchers, "fn")
	if err != nil {
		t.Fatal(err)
	}
	defer o.close()
	invoke := func(id string, written ...string) string {
		t.Helper()
		o.begin(id)
		for _, w := range written {
			if _, err := o.write.Write([]byte(w)); err != nil {
				t.Fatal(err)
			}
		}
		return string(o.end(func() string { return "REPORT RequestId: " + id }))
	}

	tail := invoke("r1", "one\n", "two\nthr", "ee\n")
	if want := "START RequestId: r1 Version: $LATEST\none\ntwo\nthree\nEND RequestId: r1\nREPORT RequestId: r1\n"; tail != want {
		t.Fatalf("tail %q, want %q", tail, want)
	}
	if tail := invoke("r2"); !strings.HasPrefix(tail, "START RequestId: r2") || strings.Count(tail, "\n") != 3 {
		t.Fatalf("an invocation that wrote nothing: %q", tail)
	}
	if tail := invoke("r3", "no newline"); !strings.Contains(tail, "\nno newline\nEND RequestId: r3") {
		t.Fatalf("an unfinished line: %q", tail)
	}
	long := strings.Repeat("x", maxLogLine+10)
	invoke("r4", long+"\n")
	// No log wanted: none is returned, and the lines are logged all the same.
	o.begin("r5")
	if _, err := o.write.Write([]byte("five\n")); err != nil {
		t.Fatal(err)
	}
	if tail := o.end(nil); tail != nil {
		t.Fatalf("no report, tail %q", tail)
	}
	logged.mu.Lock()
	defer logged.mu.Unlock()
	want := []string{"r1 one", "r1 two", "r1 three", "r3 no newline", "r4 " + long[:maxLogLine], "r4 " + long[maxLogLine:], "r5 five"}
	if strings.Join(logged.lines, "|") != strings.Join(want, "|") {
		t.Fatalf("logged %d lines %q…; want %q…", len(logged.lines), shorten(logged.lines), shorten(want))
	}
	var seen []string
	for len(watched) > 0 {
		l := <-watched
		seen = append(seen, l.RequestID+" "+l.Text)
	}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("the watcher saw %d lines %q…; want %q…", len(seen), shorten(seen), shorten(want))
	}
}

func shorten(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l[:min(len(l), 20)])
	}
	return out
}

// The REPORT line an invocation's tail ends with has Lambda's fields: Init
// Duration on the cold start only, and the worker's peak memory; without
// LogTail no log is made.
func TestReportLine(t *testing.T) {
	r, _ := newTestRuntime(t, nil)
	pythonFunction(t, r, "reported", "def handler(event, context):\n    return 1\n", Definition{})
	ctx := context.Background()
	reportOf := func(tail bool) string {
		t.Helper()
		res, err := r.Invoke(ctx, Request{Function: "reported", LogTail: tail})
		if err != nil || res.FunctionError != "" {
			t.Fatalf("%v %s", err, res.Payload)
		}
		_, line, _ := strings.Cut(string(res.Log), "REPORT RequestId: ")
		return line
	}
	fields := regexp.MustCompile(`^[0-9a-f-]{36}\tDuration: [0-9]+\.[0-9]{2} ms\tBilled Duration: [0-9]+ ms\tMemory Size: 128 MB\tMax Memory Used: ([1-9][0-9]*) MB\t(Init Duration: [0-9]+\.[0-9]{2} ms\t)?\n$`)
	if line := reportOf(true); fields.FindStringSubmatch(line) == nil || !strings.Contains(line, "Init Duration") {
		t.Fatalf("cold start's REPORT: %q", line)
	}
	if res, err := r.Invoke(ctx, Request{Function: "reported"}); err != nil || res.Log != nil {
		t.Fatalf("no LogTail: log %q, %v", res.Log, err)
	}
	if line := reportOf(true); fields.FindStringSubmatch(line) == nil || strings.Contains(line, "Init Duration") {
		t.Fatalf("warm REPORT: %q", line)
	}
}

package gateway

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// slogLine is what slog's JSONHandler writes for l, the form the access
// log has always had.
func slogLine(t testing.TB, l *accessLine) string {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, nil).WithAttrs([]slog.Attr{slog.String("logger", "gateway")})
	r := slog.NewRecord(l.time, slog.LevelInfo, "request", 0)
	r.AddAttrs(l.attrs()...)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func sampleLine() accessLine {
	return accessLine{time: time.Date(2026, 12, 2, 15, 4, 5, 120_000_000, time.FixedZone("x", 3600)), requestID: "c6af9ac6-7b61-4b6e-9a41-93e8deadbeef",
		api: "shop", stage: "$default", route: "GET /items/{id}", method: "GET", path: "/items/42", status: 200,
		latency: 1234567 * time.Nanosecond, integrationLatency: 1000 * time.Nanosecond, principal: "user-1",
		userAgent: "curl/8.5", sourceIP: "127.0.0.1"}
}

func TestAccessLineIsSlogsLine(t *testing.T) {
	l := sampleLine()
	for _, ua := range []string{"", "plain", `quo"te\back`, "ctl\x00\x01\x1f\n\r\t", "bad\xffutf8\xc3", "sep\u2028\u2029", "<html>&", "日本語"} {
		l.userAgent = ua
		if got, want := string(l.appendTo(nil)), slogLine(t, &l); got != want {
			t.Errorf("user agent %q:\n got %s\nwant %s", ua, got, want)
		}
	}
	l.latency, l.integrationLatency, l.time = 0, 29*time.Second, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, want := string(l.appendTo(nil)), slogLine(t, &l); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// Whatever a client puts in the path and user agent, the line is the
// line slog would write: valid JSON, nothing unescaped.
func FuzzAccessLine(f *testing.F) {
	f.Add("/items/42", "curl/8.5", int64(1234567))
	f.Add("/a\"b\\c", "\x00\xff\u2028", int64(0))
	f.Fuzz(func(t *testing.T, path, userAgent string, latency int64) {
		l := sampleLine()
		l.path, l.userAgent, l.latency = path, userAgent, time.Duration(latency)
		if got, want := string(l.appendTo(nil)), slogLine(t, &l); got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkAccessLine(b *testing.B) {
	l := sampleLine()
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = l.appendTo(buf[:0])
	}
}

func BenchmarkAccessLineSlog(b *testing.B) {
	l := sampleLine()
	logger := slog.New(slog.NewJSONHandler(discard{}, nil)).With("logger", "gateway")
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(context.Background(), slog.LevelInfo, "request", l.attrs()...)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

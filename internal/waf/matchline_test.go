package waf

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func sampleMatchLine() matchLine {
	return matchLine{time: time.Date(2026, 12, 3, 13, 45, 1, 123456789, time.UTC), webACL: "front", rule: "tag-api", action: "COUNT",
		clientIP: netip.MustParseAddr("198.51.100.7"), method: "GET", uri: "/api/items", labels: []string{"awswaf:123456789012:webacl:front:api"}}
}

// slogMatchLine is what slog's JSONHandler writes for l's record.
func slogMatchLine(t testing.TB, l *matchLine) string {
	t.Helper()
	var buf bytes.Buffer
	r := slog.NewRecord(l.time, slog.LevelInfo, "waf", 0)
	r.AddAttrs(l.attrs()...)
	if err := slog.NewJSONHandler(&buf, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMatchLineIsSlogsLine(t *testing.T) {
	l := sampleMatchLine()
	for _, uri := range []string{"/", `/quo"te\back`, "/ctl\x00\x01\x1f\n\r\t", "/bad\xffutf8\xc3", "/sep\u2028\u2029", "/<script>&", "/日本語"} {
		l.uri = uri
		if got, want := string(l.appendTo(nil)), slogMatchLine(t, &l); got != want {
			t.Errorf("uri %q:\n got %s\nwant %s", uri, got, want)
		}
	}
	for _, change := range []func(*matchLine){
		func(l *matchLine) { l.labels = nil },
		func(l *matchLine) { l.ruleWithinRuleGroup, l.overridden = "CrossSiteScripting_QUERYARGUMENTS", "BLOCK" },
		func(l *matchLine) { l.clientIP = netip.MustParseAddr("2001:db8::1") },
		func(l *matchLine) { l.clientIP = netip.MustParseAddr("fe80::1%e\"th0") },
		func(l *matchLine) { l.clientIP = netip.Addr{} },
		func(l *matchLine) { l.labels = []string{"a", "b:c", "d\"e"} },
	} {
		change(&l)
		if got, want := string(l.appendTo(nil)), slogMatchLine(t, &l); got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	}
}

// Whatever a client puts in the path, the line is the line slog writes.
func FuzzMatchLine(f *testing.F) {
	f.Add("/items/42", "GET", "awswaf:x")
	f.Add("/a\"b\\c\x00\xff\u2028", "P\tOST", "")
	f.Fuzz(func(t *testing.T, uri, method, label string) {
		if !labelChars.MatchString(label) {
			// slog writes labels with encoding/json, which escapes some
			// control characters apart from its own; labels have none.
			t.Skip()
		}
		l := sampleMatchLine()
		l.uri, l.method, l.labels = uri, method, []string{label}
		if got, want := string(l.appendTo(nil)), slogMatchLine(t, &l); got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

// An engine with a Lines writer writes the lines there, one per non-Allow
// match, and nothing to its logger.
func TestMatchLinesGoToLines(t *testing.T) {
	var lines, logged bytes.Buffer
	e := newTestEngine(t, Config{Lines: &lines, Logger: slog.New(slog.NewJSONHandler(&logged, nil))})
	acl := mustCompile(t, e, aclWithRules(
		`{"Name":"count-x","Priority":0,"Statement":`+byteMatchDoc("/x", `{"UriPath":{}}`, "STARTS_WITH")+`,"Action":{"Count":{}},`+vis("count-x")+`},`+
			blockRule("block-x", 1, byteMatchDoc("/x/bad", `{"UriPath":{}}`, "EXACTLY"))), Sets{})
	decide(t, acl, get("192.0.2.1", "/x/ok"))
	decide(t, acl, get("192.0.2.1", "/x/bad"))
	got := strings.Split(strings.TrimSpace(lines.String()), "\n")
	if len(got) != 3 || !strings.Contains(got[0], `"rule":"count-x","action":"COUNT","clientIP":"192.0.2.1","method":"GET","uri":"/x/ok"`) || !strings.Contains(got[2], `"rule":"block-x","action":"BLOCK"`) || logged.Len() != 0 {
		t.Fatalf("lines:\n%s\nlogged:\n%s", lines.String(), logged.String())
	}
}

func BenchmarkMatchLine(b *testing.B) {
	l := sampleMatchLine()
	buf := make([]byte, 0, 384)
	b.ReportAllocs()
	for b.Loop() {
		buf = l.appendTo(buf[:0])
	}
}

func BenchmarkMatchLineSlog(b *testing.B) {
	l := sampleMatchLine()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(context.Background(), slog.LevelInfo, "waf", l.attrs()...)
	}
}

package jsonquote

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

// wantSlog is s as slog's JSON handler writes a string attribute's value.
func wantSlog(s string) string {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "v" {
			return a
		}
		return slog.Attr{}
	}})).Info("", "v", s)
	line := bytes.TrimSuffix(buf.Bytes(), []byte("}\n"))
	return string(line[bytes.Index(line, []byte(`"v":`))+4:])
}

func wantMarshal(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func check(t *testing.T, s string) {
	t.Helper()
	if got, want := string(Slog(nil, s)), wantSlog(s); got != want {
		t.Errorf("Slog(%q) = %s, slog writes %s", s, got, want)
	}
	if got, want := string(Marshal(nil, s)), wantMarshal(s); got != want {
		t.Errorf("Marshal(%q) = %s, json.Marshal writes %s", s, got, want)
	}
}

func TestQuotesAsTheStandardLibrary(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "line\nbreak\r\ttab", "\b\f\x00\x1f\x7f", "<a href='x'>&</a>",
		"é ü 漢字 😀", "\xff\xfe invalid", "\u2028\u2029", "mixed \x01 <&> \u2028 \xc3"} {
		check(t, s)
	}
}

func FuzzQuotesAsTheStandardLibrary(f *testing.F) {
	f.Add("<\"\\\n\u2028\xff")
	f.Fuzz(check)
}

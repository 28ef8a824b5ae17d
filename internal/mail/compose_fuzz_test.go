package mail

import (
	"bytes"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/mail/mailtest"
)

// FuzzCompose renders arbitrary messages and reads them back: compose may
// refuse one, but what it renders is 7-bit, keeps to the line limit, carries
// exactly the headers moat writes (no injected ones) and decodes to the input.
func FuzzCompose(f *testing.F) {
	f.Add("alice@example.com", "Your code", "Your code is 123456.", "")
	f.Add("Zoë <zoe@example.com>", "Vérification ✓", "ligne 1\r\nligne 2\rligne 3\n", "<p>é</p>")
	f.Add("a@b.c", " =?utf-8?q?x?= ", ".\n..\n", "")
	f.Add("a@b.c\r\nBcc: e@x.y", "s\nBcc: e@x.y", "b", "")
	f.Add("a@b.c", strings.Repeat("日本", 100), strings.Repeat("x", 2000)+" ", strings.Repeat("<", 1000))
	from := &netmail.Address{Name: "moat", Address: "no-reply@example.com"}
	f.Fuzz(func(t *testing.T, to, subject, body, html string) {
		raw, err := compose(from, Message{To: to, Subject: subject, Body: body, HTML: html}, time.Now())
		if err != nil {
			return
		}
		for i, b := range raw {
			if b >= 0x80 || (b == '\n' && (i == 0 || raw[i-1] != '\r')) {
				t.Fatalf("byte %d (%q) of the rendered message is not 7-bit with CRLF line ends", i, b)
			}
		}
		got, err := mailtest.Parse(raw)
		if err != nil {
			t.Fatalf("rendered message does not parse: %v\n%s", err, raw)
		}
		for name := range got.Header {
			switch name {
			case "From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type", "Content-Transfer-Encoding":
			default:
				t.Fatalf("unexpected header %q in\n%s", name, raw)
			}
		}
		wantTo, _ := netmail.ParseAddress(to)
		if gotTo, err := netmail.ParseAddress(got.To); err != nil || gotTo.Address != wantTo.Address || gotTo.Name != wantTo.Name {
			t.Errorf("To %q reads back as %q (%v)", to, got.To, err)
		}
		if got.Subject != subject {
			t.Errorf("Subject %q reads back as %q", subject, got.Subject)
		}
		if got.Body != lineFeeds(body) || got.HTML != lineFeeds(html) {
			t.Errorf("text %q / %q reads back as %q / %q", body, html, got.Body, got.HTML)
		}
		if !bytes.Contains(raw, []byte("\r\n\r\n")) {
			t.Errorf("no blank line ends the header")
		}
	})
}

// lineFeeds is text with each CRLF, CR and LF as LF, as a reader sees it.
func lineFeeds(text string) string {
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
}

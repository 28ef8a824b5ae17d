package mailtest

import (
	"net/textproto"
	"net/url"
	"testing"
	"time"
)

// The sink speaks SMTP as a server must: it checks order and credentials,
// resets on RSET, and undoes dot-stuffing.
func TestSinkProtocol(t *testing.T) {
	sink := NewSink(t)
	sink.Username, sink.Password = "moat", "pw"
	u, _ := url.Parse(sink.URL())
	c, err := textproto.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	step := func(cmd string, want int) {
		t.Helper()
		id, err := c.Cmd("%s", cmd)
		if err != nil {
			t.Fatal(err)
		}
		c.StartResponse(id)
		defer c.EndResponse(id)
		if _, _, err := c.ReadResponse(want); err != nil {
			t.Fatalf("%s: %v, want %d", cmd, err, want)
		}
	}
	if _, _, err := c.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	step("MAIL FROM:<a@example.com>", 503) // before EHLO
	step("EHLO client", 250)
	step("MAIL FROM:<a@example.com>", 530)   // before AUTH
	step("AUTH PLAIN AG1vYXQAd3Jvbmc=", 535) // \0moat\0wrong
	step("AUTH PLAIN AG1vYXQAcHc=", 235)     // \0moat\0pw
	step("RCPT TO:<b@example.com>", 503)     // before MAIL
	step("MAIL FROM:<a@example.com>", 250)
	step("RSET", 250)
	step("DATA", 503) // RSET dropped the transaction
	step("MAIL FROM:<a@example.com> BODY=8BITMIME", 250)
	step("RCPT TO:<b@example.com>", 250)
	step("RCPT TO:<C@example.com>", 250)
	step("NOOP", 250)
	step("BOGUS", 500)
	step("DATA", 354)
	if err := c.PrintfLine("Subject: hi\r\n\r\n..leading dot\r\nline\r\n."); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadResponse(250); err != nil {
		t.Fatal(err)
	}
	step("QUIT", 221)

	for _, to := range []string{"b@example.com", "c@example.com"} {
		got := sink.Wait(t, to, time.Second)
		if got.Subject != "hi" || got.Body != ".leading dot\nline\n" || got.MailFrom != "a@example.com" || got.AuthUser != "moat" {
			t.Errorf("to %s: %+v", to, got)
		}
	}
	if n := sink.Count(); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}

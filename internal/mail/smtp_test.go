package mail_test

import (
	"context"
	"io"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/mail/mailtest"
)

const (
	testFrom     = "moat <no-reply@example.com>"
	testPassword = "s3cret p@ss/wörd%" // needs URL-encoding in every part
	waitTimeout  = 5 * time.Second
)

// newSender is a sender for the sink that trusts its certificate.
func newSender(t *testing.T, sink *mailtest.Sink) *mail.SMTPSender {
	t.Helper()
	s, err := mail.NewSMTPSender(sink.URL(), testFrom)
	if err != nil {
		t.Fatalf("NewSMTPSender(%s): %v", sink.URL(), err)
	}
	s.RootCAs = sink.RootCAs()
	return s
}

func TestSMTPSenderDelivers(t *testing.T) {
	cases := map[string]struct {
		configure     func(*mailtest.Sink)
		wantTLS       bool
		wantAuthUsers string
	}{
		"plain":              {func(*mailtest.Sink) {}, false, ""},
		"auth plain":         {func(s *mailtest.Sink) { s.Username, s.Password = "moat", testPassword }, false, "moat"},
		"auth login":         {func(s *mailtest.Sink) { s.Username, s.Password, s.Mechanisms = "moat", testPassword, []string{"LOGIN"} }, false, "moat"},
		"starttls":           {func(s *mailtest.Sink) { s.TLS = true }, true, ""},
		"starttls then auth": {func(s *mailtest.Sink) { s.TLS, s.Username, s.Password = true, "moat", testPassword }, true, "moat"},
		"implicit tls auth":  {func(s *mailtest.Sink) { s.ImplicitTLS, s.Username, s.Password = true, "moat", testPassword }, true, "moat"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sink := mailtest.NewSink(t)
			c.configure(sink)
			sender := newSender(t, sink)
			err := sender.Send(t.Context(), mail.Message{
				To: "alice@example.com", Subject: "Your temporary password",
				Body: "Your username is alice and temporary password is Tmp-123456.",
			})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := sink.Wait(t, "alice@example.com", waitTimeout)
			if got.TLS != c.wantTLS || got.AuthUser != c.wantAuthUsers {
				t.Errorf("TLS %v, AuthUser %q; want %v, %q", got.TLS, got.AuthUser, c.wantTLS, c.wantAuthUsers)
			}
			requireHeaders(t, got)
			if got.Subject != "Your temporary password" {
				t.Errorf("Subject %q", got.Subject)
			}
			if got.Body != "Your username is alice and temporary password is Tmp-123456." {
				t.Errorf("Body %q", got.Body)
			}
			if got.HTML != "" {
				t.Errorf("HTML %q in a message without one", got.HTML)
			}
			if code := mailtest.Code(got.Body); code != "123456" {
				t.Errorf("Code = %q, want 123456", code)
			}
		})
	}
}

// requireHeaders checks what every message moat sends must carry.
func requireHeaders(t *testing.T, got mailtest.Received) {
	t.Helper()
	if got.MailFrom != "no-reply@example.com" || len(got.RcptTo) != 1 || got.RcptTo[0] != "alice@example.com" {
		t.Errorf("envelope MAIL FROM %q RCPT TO %q", got.MailFrom, got.RcptTo)
	}
	if to, err := netmail.ParseAddress(got.To); err != nil || to.Address != "alice@example.com" || got.From != `"moat" <no-reply@example.com>` {
		t.Errorf("From %q To %q", got.From, got.To)
	}
	if date, err := got.Header.Date(); err != nil || time.Since(date).Abs() > time.Minute {
		t.Errorf("Date %q (%v)", got.Header.Get("Date"), err)
	}
	if id := got.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID %q", id)
	}
	if v := got.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	for i, b := range got.Raw {
		if b >= 0x80 {
			t.Fatalf("byte %d of the message is not 7-bit: %q", i, got.Raw)
		}
	}
}

func TestSMTPSenderEncodesText(t *testing.T) {
	sink := mailtest.NewSink(t)
	sender := newSender(t, sink)
	subject := "Votre code de vérification — ✓ 日本語のテキスト, long enough to need several encoded-words"
	body := "Bonjour Zoë,\n\nvotre code est 654321.\n.\n..a line starting with dots\ntrailing space \n" +
		strings.Repeat("ü", 200) + "\n= not an escape =3D"
	html := "<p>Bonjour Zoë, votre code est <b>654321</b>.</p>"
	if err := sender.Send(t.Context(), mail.Message{To: "Alice <alice@example.com>", Subject: subject, Body: body, HTML: html}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := sink.Wait(t, "alice@example.com", waitTimeout)
	requireHeaders(t, got)
	if got.Subject != subject {
		t.Errorf("Subject %q, want %q", got.Subject, subject)
	}
	if got.Body != body {
		t.Errorf("Body %q, want %q", got.Body, body)
	}
	if got.HTML != html {
		t.Errorf("HTML %q, want %q", got.HTML, html)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(string(got.Raw), "Content-Transfer-Encoding: quoted-printable") {
		t.Errorf("no quoted-printable part in %s", got.Raw)
	}
}

func TestSMTPSenderPlainTextHeaders(t *testing.T) {
	sink := mailtest.NewSink(t)
	if err := newSender(t, sink).Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "héllo", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	got := sink.Wait(t, "alice@example.com", waitTimeout)
	if ct, cte := got.Header.Get("Content-Type"), got.Header.Get("Content-Transfer-Encoding"); ct != "text/plain; charset=utf-8" || cte != "quoted-printable" {
		t.Errorf("Content-Type %q, Content-Transfer-Encoding %q", ct, cte)
	}
	if raw := got.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?b?") || got.Subject != "héllo" {
		t.Errorf("Subject header %q decodes to %q", raw, got.Subject)
	}
}

func TestHeaderInjectionIsRefused(t *testing.T) {
	sink := mailtest.NewSink(t)
	sender := newSender(t, sink)
	for name, m := range map[string]mail.Message{
		"to CRLF":        {To: "alice@example.com\r\nBcc: eve@example.com", Subject: "s", Body: "b"},
		"to LF":          {To: "alice@example.com\nBcc: eve@example.com", Subject: "s", Body: "b"},
		"subject CRLF":   {To: "alice@example.com", Subject: "hi\r\nBcc: eve@example.com", Body: "b"},
		"subject CR":     {To: "alice@example.com", Subject: "hi\rBcc: eve@example.com", Body: "b"},
		"two recipients": {To: "alice@example.com, eve@example.com", Subject: "s", Body: "b"},
		"not an address": {To: "alice", Subject: "s", Body: "b"},
		"bad utf-8":      {To: "alice@example.com", Subject: "\xff", Body: "b"},
	} {
		if err := sender.Send(t.Context(), m); err == nil {
			t.Errorf("%s: Send accepted %q", name, m)
		}
	}
	for _, from := range []string{"moat <a@example.com>\r\nBcc: eve@example.com", "a@example.com\n", "", "not an address"} {
		if _, err := mail.NewSMTPSender(sink.URL(), from); err == nil {
			t.Errorf("NewSMTPSender accepted From %q", from)
		}
	}
	if n := sink.Count(); n != 0 {
		t.Errorf("the sink received %d messages from refused sends", n)
	}
}

func TestUnreachableServerFailsInTime(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	// A server that accepts and then never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, conn); conn.Close() }() // until the sender hangs up
		}
	}()

	for name, addr := range map[string]string{"closed port": closedAddr, "silent server": silent.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			sender, err := mail.NewSMTPSender("smtp://moat:"+url.QueryEscape(testPassword)+"@"+addr, testFrom)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			err = sender.Send(ctx, mail.Message{To: "alice@example.com", Subject: "s", Body: "b"})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("Send took %s with a 500ms deadline", elapsed)
			}
			requireNoPassword(t, err)
		})
	}
}

func TestWrongPasswordIsNotEchoed(t *testing.T) {
	sink := mailtest.NewSink(t)
	sink.Username, sink.Password = "moat", "the-right-one"
	u, _ := url.Parse(sink.URL())
	u.User = url.UserPassword("moat", testPassword)
	sender, err := mail.NewSMTPSender(u.String(), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("Send with a wrong password: %v, want the server's 535", err)
	}
	requireNoPassword(t, err)
}

func TestUntrustedCertificateIsRefused(t *testing.T) {
	sink := mailtest.NewSink(t)
	sink.TLS = true
	sender, err := mail.NewSMTPSender(sink.URL(), testFrom) // no RootCAs: system roots
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("Send trusted a self-signed certificate")
	}
	if n := sink.Count(); n != 0 {
		t.Errorf("the sink received %d messages", n)
	}
}

// Off loopback, a server that does not offer STARTTLS must not get the password.
func TestCredentialsNeedTLSOffLoopback(t *testing.T) {
	ip := nonLoopbackIP(t)
	sink := mailtest.NewSink(t)
	sink.Username, sink.Password = "moat", testPassword
	sinkURL, _ := url.Parse(sink.URL())
	forward := forwarder(t, net.JoinHostPort(ip, "0"), sinkURL.Host)
	sinkURL.Host = forward
	sender, err := mail.NewSMTPSender(sinkURL.String(), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send over a cleartext connection to %s: %v, want a refusal naming STARTTLS", ip, err)
	}
	requireNoPassword(t, err)
	if n := sink.Count(); n != 0 {
		t.Errorf("the sink received %d messages", n)
	}
}

func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address to test the off-loopback rule with")
	return ""
}

// forwarder relays TCP connections from listenAddr to target and returns its
// address, so a loopback sink can be reached through another address.
func forwarder(t *testing.T, listenAddr, target string) string {
	t.Helper()
	l, err := net.Listen("tcp", listenAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return l.Addr().String()
}

func requireNoPassword(t *testing.T, err error) {
	t.Helper()
	for _, form := range []string{testPassword, url.QueryEscape(testPassword), url.PathEscape(testPassword), url.UserPassword("u", testPassword).String()} {
		if strings.Contains(err.Error(), form) {
			t.Fatalf("error %q contains the password", err)
		}
	}
}

func TestNewSMTPSenderValidates(t *testing.T) {
	cases := map[string]string{
		"scheme":           "http://mail.example.com",
		"no host":          "smtp://",
		"bad port":         "smtp://mail.example.com:smtp",
		"port range":       "smtp://mail.example.com:70000",
		"path":             "smtp://mail.example.com/x",
		"query":            "smtp://mail.example.com?tls=1",
		"user only":        "smtp://moat@mail.example.com",
		"password only":    "smtp://:" + url.QueryEscape(testPassword) + "@mail.example.com",
		"unparsable":       "smtp://moat:" + testPassword + "@mail.example.com", // space and % unescaped
		"scheme with pass": "ftp://moat:" + url.QueryEscape(testPassword) + "@mail.example.com",
		"empty":            "",
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := mail.NewSMTPSender(raw, testFrom)
			if err == nil {
				t.Fatalf("NewSMTPSender(%q) accepted it", raw)
			}
			if !strings.Contains(err.Error(), "SMTP URL") {
				t.Errorf("error %q does not say it is about the SMTP URL", err)
			}
			requireNoPassword(t, err)
		})
	}
	for _, ok := range []string{"smtp://mail.example.com", "smtps://mail.example.com", "smtp://u:p@mail.example.com:2525/", "smtps://[::1]:465"} {
		if _, err := mail.NewSMTPSender(ok, "no-reply@example.com"); err != nil {
			t.Errorf("NewSMTPSender(%q): %v", ok, err)
		}
	}
}

// A non-ASCII display name in From is carried as an encoded-word.
func TestFromDisplayNameIsEncoded(t *testing.T) {
	sink := mailtest.NewSink(t)
	sender, err := mail.NewSMTPSender(sink.URL(), "Møat Ünïcode <no-reply@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(t.Context(), mail.Message{To: "alice@example.com", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	got := sink.Wait(t, "alice@example.com", waitTimeout)
	from, err := netmail.ParseAddress(got.From)
	if err != nil || from.Name != "Møat Ünïcode" || from.Address != "no-reply@example.com" {
		t.Errorf("From %q parses to %v (%v)", got.From, from, err)
	}
}

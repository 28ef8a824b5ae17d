package mail

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SendTimeout bounds one message's delivery, from dial to QUIT, when the
// caller's context allows longer.
const SendTimeout = 15 * time.Second

// SMTPSender delivers each message over its own SMTP connection. A user pool
// sends few messages, so a connection pool would buy little and add the
// failure modes of stale connections.
type SMTPSender struct {
	// RootCAs, when set, replaces the system roots for verifying the server's
	// certificate; tests use it to trust a sink's self-signed one.
	RootCAs *x509.CertPool

	addr, host         string // host:port, host
	implicitTLS        bool   // smtps: TLS from the first byte
	username, password string
	from               *netmail.Address
	helloName          string
}

// NewSMTPSender checks an SMTP URL and From address, as given to moat at
// startup, without connecting:
//
//	smtp://user:pass@host:port   STARTTLS when offered; required to send credentials unless host is loopback (default port 587)
//	smtps://user:pass@host:port  implicit TLS (default port 465)
//
// User and password are URL-decoded. Errors never contain the password.
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the whole URL, password included.
		return nil, errors.New("SMTP URL is not a valid URL (check that the user and password are URL-encoded)")
	}
	bad := func(problem string) error { return fmt.Errorf("SMTP URL %q: %s", u.Redacted(), problem) }
	s := &SMTPSender{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		port = cmp.Or(port, "587")
	case "smtps":
		port = cmp.Or(port, "465")
		s.implicitTLS = true
	default:
		return nil, bad("scheme must be smtp or smtps")
	}
	if s.host == "" {
		return nil, bad("has no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, bad("port must be a number from 1 to 65535")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, bad("must not have a path, query or fragment")
	}
	if u.User != nil {
		s.username = u.User.Username()
		s.password, _ = u.User.Password()
		if s.username == "" || s.password == "" {
			return nil, bad("needs both a user and a password, or neither")
		}
	}
	s.addr = net.JoinHostPort(s.host, port)
	if s.from, err = parseAddress("From", from); err != nil {
		return nil, err
	}
	s.helloName, err = os.Hostname()
	if err != nil || strings.ContainsAny(s.helloName, " \r\n") || s.helloName == "" {
		s.helloName = "localhost"
	}
	return s, nil
}

// Send delivers m within ctx's deadline and SendTimeout, whichever is sooner.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := compose(s.from, m, time.Now())
	if err != nil {
		return err
	}
	to, _ := parseAddress("To", m.To) // compose has checked it
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		return fmt.Errorf("send mail to %s via SMTP server %s: %w", to.Address, s.addr, err)
	}
	return nil
}

func (s *SMTPSender) deliver(ctx context.Context, to string, msg []byte) error {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The deadline bounds every read and write of the conversation; the
	// AfterFunc ends it early when ctx is cancelled before then.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello(s.helloName); err != nil {
		return err
	}
	encrypted := s.implicitTLS
	if ok, _ := c.Extension("STARTTLS"); ok && !encrypted {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
		encrypted = true
	}
	if s.username != "" {
		if err := s.authenticate(c, encrypted); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	if s.implicitTLS {
		return (&tls.Dialer{Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.addr)
	}
	return (&net.Dialer{}).DialContext(ctx, "tcp", s.addr)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

// authenticate logs in with the first of PLAIN and LOGIN the server offers,
// refusing to send the password in the clear to anything but loopback.
func (s *SMTPSender) authenticate(c *smtp.Client, encrypted bool) error {
	if !encrypted && !isLoopback(s.host) {
		return errors.New("server does not offer STARTTLS; refusing to send credentials unencrypted (use smtps:// or a server with STARTTLS)")
	}
	ok, offered := c.Extension("AUTH")
	if !ok {
		return errors.New("server does not offer AUTH, but the SMTP URL has credentials")
	}
	mechanisms := strings.Fields(strings.ToUpper(offered))
	switch {
	case slices.Contains(mechanisms, "PLAIN"):
		return c.Auth(plainAuth{s.username, s.password})
	case slices.Contains(mechanisms, "LOGIN"):
		return c.Auth(loginAuth{s.username, s.password})
	}
	return fmt.Errorf("server offers AUTH %s; moat speaks PLAIN and LOGIN", offered)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

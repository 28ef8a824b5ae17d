package mailtest

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

const (
	commandTimeout = 30 * time.Second
	maxMessageSize = 10 << 20
)

// session is one client connection: enough ESMTP (RFC 5321) for net/smtp
// and the clients moat's tests use.
type session struct {
	sink     *Sink
	conn     net.Conn
	text     *textproto.Conn
	tls      bool
	greeted  bool
	authUser string
	mailFrom *string // set by MAIL, cleared by RSET, EHLO and after DATA
	rcptTo   []string
}

func newSession(s *Sink, conn net.Conn) *session {
	if s.ImplicitTLS {
		conn = tls.Server(conn, s.tlsConfig())
	}
	return &session{sink: s, conn: conn, text: textproto.NewConn(conn), tls: s.ImplicitTLS}
}

func (ss *session) run() {
	ss.reply(220, "127.0.0.1 moat mailtest ESMTP")
	for {
		ss.conn.SetDeadline(time.Now().Add(commandTimeout))
		line, err := ss.text.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !ss.command(strings.ToUpper(verb), strings.TrimSpace(arg)) {
			return
		}
	}
}

// command handles one command; false ends the session.
func (ss *session) command(verb, arg string) bool {
	switch verb {
	case "EHLO":
		ss.greeted = true
		ss.resetTransaction()
		lines := []string{"127.0.0.1 greets " + arg, "SIZE " + fmt.Sprint(maxMessageSize)}
		if ss.sink.TLS && !ss.tls {
			lines = append(lines, "STARTTLS")
		}
		if ss.authOffered() {
			lines = append(lines, "AUTH "+strings.Join(ss.sink.mechanisms(), " "))
		}
		ss.replyLines(250, lines)
	case "HELO":
		ss.greeted = true
		ss.resetTransaction()
		ss.reply(250, "127.0.0.1")
	case "STARTTLS":
		return ss.startTLS()
	case "AUTH":
		ss.auth(arg)
	case "MAIL":
		ss.mail(arg)
	case "RCPT":
		ss.rcpt(arg)
	case "DATA":
		return ss.data()
	case "RSET":
		ss.resetTransaction()
		ss.reply(250, "2.0.0 OK")
	case "NOOP":
		ss.reply(250, "2.0.0 OK")
	case "QUIT":
		ss.reply(221, "2.0.0 Bye")
		return false
	default:
		ss.reply(500, "5.5.2 Command not recognized")
	}
	return true
}

func (ss *session) authOffered() bool {
	return ss.sink.Username != "" && (ss.tls || !ss.sink.TLS)
}

func (ss *session) resetTransaction() {
	ss.mailFrom, ss.rcptTo = nil, nil
}

func (ss *session) startTLS() bool {
	if !ss.sink.TLS || ss.tls {
		ss.reply(502, "5.5.1 STARTTLS not offered")
		return true
	}
	ss.reply(220, "2.0.0 Ready to start TLS")
	conn := tls.Server(ss.conn, ss.sink.tlsConfig())
	if err := conn.Handshake(); err != nil {
		return false
	}
	// Anything the client sent before the handshake is dropped with the old
	// reader, as RFC 3207 requires; the session starts over.
	*ss = session{sink: ss.sink, conn: conn, text: textproto.NewConn(conn), tls: true}
	return true
}

func (ss *session) auth(arg string) {
	mechanism, initial, _ := strings.Cut(arg, " ")
	mechanism = strings.ToUpper(mechanism)
	switch {
	case !ss.authOffered():
		ss.reply(502, "5.5.1 AUTH not offered")
		return
	case ss.authUser != "":
		ss.reply(503, "5.5.1 Already authenticated")
		return
	case !slices.Contains(ss.sink.mechanisms(), mechanism):
		ss.reply(504, "5.5.4 Unrecognized authentication type")
		return
	}
	var user, password string
	var ok bool
	switch mechanism {
	case "PLAIN":
		var response []byte
		if response, ok = ss.saslResponse(initial, ""); ok {
			fields := bytes.Split(response, []byte{0})
			ok = len(fields) == 3
			if ok {
				user, password = string(fields[1]), string(fields[2])
			}
		}
	case "LOGIN":
		var u, p []byte
		if u, ok = ss.saslResponse(initial, "Username:"); ok {
			p, ok = ss.saslResponse("", "Password:")
		}
		user, password = string(u), string(p)
	}
	if !ok {
		ss.reply(501, "5.5.2 Malformed or cancelled authentication")
		return
	}
	if subtle.ConstantTimeCompare([]byte(user), []byte(ss.sink.Username))&
		subtle.ConstantTimeCompare([]byte(password), []byte(ss.sink.Password)) != 1 {
		ss.reply(535, "5.7.8 Authentication credentials invalid")
		return
	}
	ss.authUser = user
	ss.reply(235, "2.7.0 Authentication successful")
}

// saslResponse is the client's base64 answer: the initial response given
// with AUTH, or else the next line after prompting with challenge.
func (ss *session) saslResponse(initial, challenge string) ([]byte, bool) {
	if initial == "" {
		ss.reply(334, base64.StdEncoding.EncodeToString([]byte(challenge)))
		line, err := ss.text.ReadLine()
		if err != nil || line == "*" {
			return nil, false
		}
		initial = line
	}
	if initial == "=" { // RFC 4954: an empty initial response
		return nil, true
	}
	decoded, err := base64.StdEncoding.DecodeString(initial)
	return decoded, err == nil
}

func (ss *session) mail(arg string) {
	switch {
	case !ss.greeted:
		ss.reply(503, "5.5.1 EHLO first")
	case ss.sink.Username != "" && ss.authUser == "":
		ss.reply(530, "5.7.0 Authentication required")
	case ss.mailFrom != nil:
		ss.reply(503, "5.5.1 MAIL already given")
	default:
		from, ok := path(arg, "FROM:")
		if !ok {
			ss.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
			return
		}
		ss.mailFrom = &from
		ss.reply(250, "2.1.0 OK")
	}
}

func (ss *session) rcpt(arg string) {
	if ss.mailFrom == nil {
		ss.reply(503, "5.5.1 MAIL first")
		return
	}
	to, ok := path(arg, "TO:")
	if !ok || to == "" {
		ss.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
		return
	}
	ss.rcptTo = append(ss.rcptTo, to)
	ss.reply(250, "2.1.5 OK")
}

// path extracts the address from "FROM:<a@b> PARAMS" or "TO:<a@b>".
func path(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (ss *session) data() bool {
	if len(ss.rcptTo) == 0 {
		ss.reply(503, "5.5.1 RCPT first")
		return true
	}
	ss.reply(354, "Send message, end with <CRLF>.<CRLF>")
	raw, err := io.ReadAll(io.LimitReader(ss.text.DotReader(), maxMessageSize+1))
	if err != nil {
		return false
	}
	if len(raw) > maxMessageSize {
		ss.reply(552, "5.3.4 Message too big")
		return false // the rest of the message is still on the wire
	}
	r, err := Parse(raw)
	r.Raw, r.parseErr = raw, err
	r.MailFrom, r.RcptTo = *ss.mailFrom, ss.rcptTo
	r.TLS, r.AuthUser = ss.tls, ss.authUser
	ss.resetTransaction()
	ss.sink.deliver(r)
	if err != nil {
		ss.reply(554, "5.6.0 Malformed message: "+strings.ReplaceAll(err.Error(), "\n", " "))
		return true
	}
	ss.reply(250, "2.0.0 OK queued")
	return true
}

func (ss *session) reply(code int, text string) {
	ss.replyLines(code, []string{text})
}

func (ss *session) replyLines(code int, lines []string) {
	for i, line := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		if ss.text.PrintfLine("%d%s%s", code, sep, line) != nil {
			return
		}
	}
}

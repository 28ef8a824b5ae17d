package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

// compose renders m as an RFC 5322 message in 7-bit ASCII with CRLF line
// ends: headers that cannot carry line breaks, text in quoted-printable, and
// an HTML alternative when m has one.
func compose(from *netmail.Address, m Message, now time.Time) ([]byte, error) {
	to, err := parseAddress("To", m.To)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("mail Subject contains a line break")
	}
	for _, part := range []struct{ name, text string }{{"Subject", m.Subject}, {"Body", m.Body}, {"HTML", m.HTML}} {
		if !utf8.ValidString(part.text) {
			return nil, fmt.Errorf("mail %s is not valid UTF-8", part.name)
		}
	}

	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", encodeHeaderText(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		writeQuotedPrintable(&b, m.Body)
		return b.Bytes(), nil
	}
	parts := multipart.NewWriter(&b)
	header("Content-Type", `multipart/alternative; boundary="`+parts.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, alt := range []struct{ mediaType, text string }{{"text/plain", m.Body}, {"text/html", m.HTML}} {
		w, err := parts.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {alt.mediaType + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		writeQuotedPrintable(w, alt.text)
	}
	if err := parts.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// parseAddress accepts one ASCII address ("a@example.com" or
// "Name <a@example.com>"); line breaks are refused first so no value can
// start a header of its own.
func parseAddress(what, s string) (*netmail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("mail %s address contains a line break", what)
	}
	addr, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("mail %s address %q: %v", what, s, err)
	}
	for _, r := range addr.Address {
		if r >= utf8.RuneSelf {
			return nil, fmt.Errorf("mail %s address %q: non-ASCII addresses are not supported", what, addr.Address)
		}
	}
	return addr, nil
}

// writeQuotedPrintable encodes text, ending it with a soft line break when it
// does not end in a line break so the decoded text is exactly text.
func writeQuotedPrintable(w io.Writer, text string) {
	qp := quotedprintable.NewWriter(w)
	// Writes go to a bytes.Buffer or a multipart part over one, which never fail.
	_, _ = io.WriteString(qp, text)
	_ = qp.Close()
	if text != "" && !strings.HasSuffix(text, "\n") && !strings.HasSuffix(text, "\r") {
		_, _ = io.WriteString(w, "=\r\n")
	}
}

// maxEncodedWordText is the most UTF-8 bytes one base64 encoded-word holds
// while staying within RFC 2047's 75 characters: 12 of overhead, 60 of base64.
const maxEncodedWordText = 45

// encodeHeaderText returns s as it can stand in a header: unchanged when it
// is short printable ASCII a decoder would read back as is, otherwise as
// RFC 2047 encoded-words on folded lines.
func encodeHeaderText(s string) string {
	if isPlainHeaderText(s) {
		return s
	}
	var words []string
	for len(s) > 0 {
		n := min(len(s), maxEncodedWordText)
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n-- // an encoded-word must hold whole characters
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

// isPlainHeaderText reports whether s survives a header unencoded: printable
// ASCII, no "=?" a decoder would take for an encoded-word, no edge spaces a
// parser would trim, and short enough for the 998-octet line limit.
func isPlainHeaderText(s string) bool {
	if len(s) > 900 || strings.Contains(s, "=?") || strings.TrimSpace(s) != s {
		return false
	}
	for i := range len(s) {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// messageID is a unique Message-ID in the sender's domain.
func messageID(fromAddress string) string {
	id := make([]byte, 16)
	_, _ = rand.Read(id) // crypto/rand.Read does not fail
	domain := fromAddress[strings.LastIndexByte(fromAddress, '@')+1:]
	return "<" + hex.EncodeToString(id) + "@" + domain + ">"
}

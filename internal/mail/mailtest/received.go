package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
)

// Received is one message as the sink got it: the envelope and the parsed,
// decoded content.
type Received struct {
	MailFrom string   // envelope sender (MAIL FROM)
	RcptTo   []string // envelope recipients (RCPT TO)
	TLS      bool     // the message came over TLS (implicit or STARTTLS)
	AuthUser string   // the user that authenticated, if any

	Header  netmail.Header
	From    string // From header, encoded-words decoded
	To      string // To header, encoded-words decoded
	Subject string // Subject header, encoded-words decoded
	Body    string // the text/plain content, transfer encoding undone, line ends "\n"
	HTML    string // the text/html alternative, if any, decoded the same way
	Raw     []byte // the message as received, dot-unstuffed

	parseErr error // why Parse refused Raw; Sink.Wait fails the test with it
}

// maxLineLength is RFC 5322's limit on a line, CRLF excluded.
const maxLineLength = 998

// Parse reads an RFC 5322 message: a text/plain body, or a
// multipart/alternative of text/plain and text/html, each 7bit, 8bit,
// quoted-printable or base64.
func Parse(raw []byte) (Received, error) {
	for i, line := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSuffix(line, []byte("\r"))) > maxLineLength {
			return Received{}, fmt.Errorf("line %d is longer than %d octets", i+1, maxLineLength)
		}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	r := Received{Header: msg.Header, Raw: raw}
	dec := new(mime.WordDecoder)
	for _, h := range []struct {
		name string
		dst  *string
	}{{"From", &r.From}, {"To", &r.To}, {"Subject", &r.Subject}} {
		if *h.dst, err = dec.DecodeHeader(msg.Header.Get(h.name)); err != nil {
			return Received{}, fmt.Errorf("%s header: %w", h.name, err)
		}
	}
	mediaType, params, err := contentType(msg.Header.Get("Content-Type"))
	if err != nil {
		return Received{}, err
	}
	switch mediaType {
	case "text/plain":
		r.Body, err = decodeText(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return r, err
	case "multipart/alternative":
		return r, readAlternatives(&r, multipart.NewReader(msg.Body, params["boundary"]))
	}
	return Received{}, fmt.Errorf("unexpected Content-Type %q", mediaType)
}

func contentType(value string) (string, map[string]string, error) {
	if value == "" {
		return "text/plain", nil, nil // RFC 2045's default
	}
	mediaType, params, err := mime.ParseMediaType(value)
	if err != nil {
		return "", nil, fmt.Errorf("Content-Type %q: %w", value, err)
	}
	return mediaType, params, nil
}

func readAlternatives(r *Received, parts *multipart.Reader) error {
	for {
		// NextRawPart: NextPart would undo quoted-printable itself and hide
		// the header saying it was there.
		part, err := parts.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		mediaType, _, err := contentType(part.Header.Get("Content-Type"))
		if err != nil {
			return err
		}
		text, err := decodeText(part.Header.Get("Content-Transfer-Encoding"), part)
		if err != nil {
			return err
		}
		switch mediaType {
		case "text/plain":
			r.Body = text
		case "text/html":
			r.HTML = text
		default:
			return fmt.Errorf("unexpected alternative %q", mediaType)
		}
	}
}

func decodeText(transferEncoding string, body io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(transferEncoding)) {
	case "", "7bit", "8bit":
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	default:
		return "", fmt.Errorf("unexpected Content-Transfer-Encoding %q", transferEncoding)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("decode %s body: %w", transferEncoding, err)
	}
	return strings.ReplaceAll(string(text), "\r\n", "\n"), nil
}

var codePattern = regexp.MustCompile(`(?:^|\D)(\d{6})(?:\D|$)`)

// Code returns the first six-digit number in body (a verification or reset
// code), or "" when there is none.
func Code(body string) string {
	if m := codePattern.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

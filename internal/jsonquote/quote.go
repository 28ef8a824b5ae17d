// Package jsonquote writes JSON strings byte for byte as slog's JSON
// handler and encoding/json write them, into a caller's buffer, so hot
// paths can build JSON without reflection or allocation.
package jsonquote

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Slog appends s quoted as slog's JSON handler quotes it, for log lines
// written without slog (the access log's, the WAF's match lines).
func Slog(b []byte, s string) []byte { return appendQuoted(b, s, false) }

// Marshal appends s quoted as json.Marshal quotes it, for JSON written
// without reflection (see lambdaevent.AppendV2).
func Marshal(b []byte, s string) []byte { return appendQuoted(b, s, true) }

// appendQuoted appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and U+2029
// escaped for JavaScript. marshal adds what json.Marshal does beyond slog:
// <, > and & escaped (HTML-safe), \b and \f by name.
func appendQuoted(b []byte, s string, marshal bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!marshal || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case marshal && c == '\b':
				b = append(b, '\\', 'b')
			case marshal && c == '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

package waf

import (
	"strings"
)

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isHex(c byte) bool { _, ok := unhex(c); return ok }

// hexByte decodes the two hex digits at s[0:2]; the caller checked them.
func hexByte(s string) byte {
	hi, _ := unhex(s[0])
	lo, _ := unhex(s[1])
	return hi<<4 | lo
}

// urlDecode decodes %HH and '+'; a % not followed by two hex digits stays.
func urlDecode(s string) string { return decodeURL(s, false) }

// urlDecodeUni is urlDecode that also reads IIS's %uHHHH, keeping the low
// byte and folding full-width ASCII (U+FF01–U+FF5E) to ASCII.
func urlDecodeUni(s string) string { return decodeURL(s, true) }

func decodeURL(s string, iis bool) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case iis && c == '%' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
			b = append(b, lowByte(s[i+2:i+6]))
			i += 5
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, hexByte(s[i+1:]))
			i += 2
		case c == '+':
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// lowByte is the byte a 4-hex-digit code point decodes to in ModSecurity's
// best fit: full-width ASCII becomes ASCII, anything else its low byte.
func lowByte(h string) byte {
	code := uint16(hexByte(h[0:]))<<8 | uint16(hexByte(h[2:]))
	if code >= 0xff01 && code <= 0xff5e {
		return byte(code - 0xfee0)
	}
	return byte(code)
}

// hexDecode decodes a string of hex digit pairs; input that is not one is
// left as it was.
func hexDecode(s string) string {
	if len(s) == 0 || len(s)%2 != 0 {
		return s
	}
	b := make([]byte, len(s)/2)
	for i := range b {
		if !isHex(s[2*i]) || !isHex(s[2*i+1]) {
			return s
		}
		b[i] = hexByte(s[2*i:])
	}
	return string(b)
}

// sqlHexDecode decodes SQL hex literals: 0x414243 becomes ABC.
func sqlHexDecode(s string) string {
	if !strings.Contains(s, "0x") && !strings.Contains(s, "0X") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '0' && i+3 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]) && isHex(s[i+3]) {
			i += 2
			for i+1 < len(s) && isHex(s[i]) && isHex(s[i+1]) {
				b = append(b, hexByte(s[i:]))
				i += 2
			}
			i--
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// base64Decode decodes base64 up to the first character outside the
// alphabet (or padding), ignoring line breaks, as ModSecurity does.
func base64Decode(s string) string { return decodeBase64(s, false) }

// base64DecodeExt is the forgiving decoder: characters outside the
// alphabet are skipped, and base64url's - and _ are read as + and /.
func base64DecodeExt(s string) string { return decodeBase64(s, true) }

func base64Value(c byte) (byte, bool) {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A', true
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26, true
	case '0' <= c && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

func decodeBase64(s string, forgiving bool) string {
	b := make([]byte, 0, len(s)*3/4+3)
	var acc uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if forgiving {
			switch c {
			case '-':
				c = '+'
			case '_':
				c = '/'
			}
		}
		if c == '\r' || c == '\n' {
			continue
		}
		if c == '=' {
			break
		}
		v, ok := base64Value(c)
		if !ok {
			if forgiving {
				continue
			}
			break
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			b = append(b, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		b = append(b, byte(acc>>4))
	case 3:
		b = append(b, byte(acc>>10), byte(acc>>2))
	}
	return string(b)
}

// unescape copies s, with escape decoding each backslash sequence: given
// the index i of a backslash with something after it, escape appends what
// the sequence stands for to b and returns the index of its last byte. A
// backslash ending s is kept when keepLast, dropped otherwise.
func unescape(s string, keepLast bool, escape func(b []byte, s string, i int) ([]byte, int)) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '\\':
			b = append(b, s[i])
		case i+1 < len(s):
			b, i = escape(b, s, i)
		case keepLast:
			b = append(b, s[i])
		}
	}
	return string(b)
}

// octal reads up to three octal digits from s[i:], fewer when fits limits
// the value to a byte (JavaScript's \OOO); it returns the value and the
// index of the last digit.
func octal(s string, i int, fitByte bool) (byte, int) {
	j, v := i, 0
	for j < len(s) && j < i+3 && isOctal(s[j]) && !(fitByte && j == i+2 && s[i] > '3') {
		v = v<<3 | int(s[j]-'0')
		j++
	}
	return byte(v), j - 1
}

// escapeSeqDecode decodes ANSI C escapes: \a \b \f \n \r \t \v \\ \? \' \"
// \xHH and up to three octal digits; a backslash before anything else is
// dropped and the character kept.
func escapeSeqDecode(s string) string {
	return unescape(s, true, func(b []byte, s string, i int) ([]byte, int) {
		next := s[i+1]
		if c, ok := cEscape(next); ok {
			return append(b, c), i + 1
		}
		switch {
		case (next == 'x' || next == 'X') && i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]):
			return append(b, hexByte(s[i+2:])), i + 3
		case isOctal(next):
			v, end := octal(s, i+1, false)
			return append(b, v), end
		}
		return append(b, next), i + 1
	})
}

func cEscape(c byte) (byte, bool) {
	switch c {
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'v':
		return '\v', true
	case '\\', '?', '\'', '"':
		return c, true
	}
	return 0, false
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// jsDecode decodes JavaScript escapes: \uHHHH (low byte, full-width ASCII
// folded), \xHH, \OOO (one byte), the C control escapes, and \c as c.
func jsDecode(s string) string {
	return unescape(s, true, func(b []byte, s string, i int) ([]byte, int) {
		next := s[i+1]
		switch {
		case next == 'u' && i+5 < len(s) && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
			return append(b, lowByte(s[i+2:i+6])), i + 5
		case next == 'x' && i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]):
			return append(b, hexByte(s[i+2:])), i + 3
		case isOctal(next):
			v, end := octal(s, i+1, true)
			return append(b, v), end
		}
		if c, ok := cEscape(next); ok {
			next = c
		}
		return append(b, next), i + 1
	})
}

// cssDecode decodes CSS 2.x escapes: a backslash and 1–6 hex digits (one
// following white-space character is eaten) become the code point's low
// byte, full-width ASCII folded; a backslash and newline are a line
// continuation; a backslash before anything else is dropped.
func cssDecode(s string) string {
	return unescape(s, false, func(b []byte, s string, i int) ([]byte, int) {
		j := i + 1
		var code uint32
		for j < len(s) && j < i+7 && isHex(s[j]) {
			v, _ := unhex(s[j])
			code = code<<4 | uint32(v)
			j++
		}
		switch {
		case j > i+1:
			if code >= 0xff01 && code <= 0xff5e {
				code -= 0xfee0
			}
			if j < len(s) && isCSSSpace(s[j]) {
				j++
			}
			return append(b, byte(code)), j - 1
		case s[i+1] == '\n':
			return b, i + 1
		}
		return append(b, s[i+1]), i + 1
	})
}

func isCSSSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v':
		return true
	}
	return false
}

package waf

import (
	"crypto/md5"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The text transformations follow AWS's descriptions, which are
// ModSecurity's t: functions of the same names.

func lowercase(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// compressWhiteSpace turns \f \t \n \r \v and the non-breaking space
// (U+00A0, or a lone 0xA0 byte) into spaces and runs of spaces into one.
func compressWhiteSpace(s string) string {
	if !strings.ContainsAny(s, "\f\t\n\r\v\u00a0") && !strings.Contains(s, "  ") && !containsLoneNBSP(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isCompressedSpace(r) || (r == utf8.RuneError && size == 1 && s[i] == 0xa0) {
			if !space {
				b = append(b, ' ')
			}
			space = true
		} else {
			b = append(b, s[i:i+size]...)
			space = false
		}
		i += size
	}
	return string(b)
}

func isCompressedSpace(r rune) bool {
	switch r {
	case ' ', '\f', '\t', '\n', '\r', '\v', 0xa0:
		return true
	}
	return false
}

func containsLoneNBSP(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 && s[i] == 0xa0 {
			return true
		}
		i += size
	}
	return false
}

func htmlEntityDecode(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}

// cmdLine deletes \ " ' ^, deletes spaces before / and (, turns , and ;
// (and other white space) into a space, squeezes spaces and lowercases.
func cmdLine(s string) string {
	if !strings.ContainsAny(s, "\\\"'^ ,;\t\r\n/(ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"', '\'', '^':
		case ' ', ',', ';', '\t', '\r', '\n':
			if !space {
				b = append(b, ' ')
				space = true
			}
		case '/', '(':
			if space {
				b = b[:len(b)-1]
			}
			b = append(b, c)
			space = false
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			space = false
		}
	}
	if string(b) == s {
		return s
	}
	return string(b)
}

func md5Sum(s string) string {
	sum := md5.Sum([]byte(s))
	return string(sum[:])
}

// replaceComments replaces each /* … */ C comment, also one left open at
// the end, with a single space.
func replaceComments(s string) string {
	if !strings.Contains(s, "/*") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		start := strings.Index(s, "/*")
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:start])
		b.WriteByte(' ')
		end := strings.Index(s[start+2:], "*/")
		if end < 0 {
			return b.String()
		}
		s = s[start+2+end+2:]
	}
}

func removeNulls(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}

func replaceNulls(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", " ")
}

// normalizePath removes repeated slashes, "." segments and ".." segments
// with the segment before them (a leading ".." has none and stays), as
// path.Clean does; a trailing slash is kept and "." becomes empty.
func normalizePath(s string) string {
	if s == "" {
		return s
	}
	clean := path.Clean(s)
	switch {
	case clean == ".":
		return ""
	case strings.HasSuffix(s, "/") && clean != "/":
		return clean + "/"
	}
	return clean
}

func normalizePathWin(s string) string {
	return normalizePath(strings.ReplaceAll(s, `\`, "/"))
}

// utf8ToUnicode writes every multi-byte UTF-8 character as %uHHHH.
func utf8ToUnicode(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789abcdef"
	b := make([]byte, i, len(s)+16)
	copy(b, s[:i])
	for _, r := range s[i:] {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		b = append(b, '%', 'u')
		if r > 0xffff {
			// Astral code points take five or six digits.
			if r > 0xfffff {
				b = append(b, hex[r>>20&0xf])
			}
			b = append(b, hex[r>>16&0xf])
		}
		b = append(b, hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	return string(b)
}

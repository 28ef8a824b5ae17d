package siwe

import (
	"strings"
	"time"
)

// Timestamp is an RFC 3339 date-time that remembers how it was written, so
// a parsed message serializes back byte for byte — the signature covers the
// text, not the instant.
type Timestamp struct {
	t    time.Time
	text string // as parsed; empty for one made by NewTimestamp
}

// NewTimestamp is t as a message field, written in UTC with as many
// fractional digits as it needs.
func NewTimestamp(t time.Time) Timestamp {
	return Timestamp{t: t}
}

// ParseTimestamp accepts exactly RFC 3339's date-time
// (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), T and Z in either case) with real
// calendar dates: 2022-02-31 is refused.
func ParseTimestamp(s string) (Timestamp, error) {
	if !isDateTime(s) {
		return Timestamp{}, invalidMessage("%q is not an RFC 3339 date-time", s)
	}
	// time.Parse checks the ranges (month, day of month, hour, minute,
	// second) but is looser about the shape, which isDateTime pinned down.
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return Timestamp{}, invalidMessage("%q is not a valid date-time: %v", s, err)
	}
	return Timestamp{t: t, text: s}, nil
}

// Time is the instant.
func (ts Timestamp) Time() time.Time { return ts.t }

// IsZero reports whether ts is unset.
func (ts Timestamp) IsZero() bool { return ts.t.IsZero() && ts.text == "" }

func (ts Timestamp) String() string {
	if ts.text != "" {
		return ts.text
	}
	return ts.t.UTC().Format(time.RFC3339Nano)
}

// writable reports whether String yields an RFC 3339 date-time, which
// needs a four-digit year.
func (ts Timestamp) writable() bool {
	y := ts.t.UTC().Year()
	return ts.text != "" || (y >= 0 && y <= 9999)
}

// isDateTime checks RFC 3339's date-time grammar, leaving value ranges to
// time.Parse except for the offset, which time.Parse lets reach 24:00.
func isDateTime(s string) bool {
	const base = len("2006-01-02T15:04:05")
	if len(s) < base+1 {
		return false
	}
	for i := range base {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		case 10:
			if s[i] != 'T' && s[i] != 't' {
				return false
			}
		case 13, 16:
			if s[i] != ':' {
				return false
			}
		default:
			if !isDigit(s[i]) {
				return false
			}
		}
	}
	rest := s[base:]
	if frac, ok := strings.CutPrefix(rest, "."); ok {
		n := 0
		for n < len(frac) && isDigit(frac[n]) {
			n++
		}
		if n == 0 {
			return false
		}
		rest = frac[n:]
	}
	switch {
	case rest == "Z" || rest == "z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		return isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[4]) && isDigit(rest[5]) &&
			rest[1:3] <= "23" && rest[4:6] <= "59"
	}
	return false
}

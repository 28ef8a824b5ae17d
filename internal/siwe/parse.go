package siwe

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxMessageBytes bounds what ParseMessage reads, as EIP-4361 asks
// verifiers to (64 KiB leaves room for long ReCap resources).
const MaxMessageBytes = 64 << 10

// ParseMessage parses an EIP-4361 message exactly per its ABNF: fixed line
// structure and order, LF line ends, no trailing newline. Errors wrap
// ErrInvalidMessage and name the offending line or field. A message it
// accepts satisfies Validate, and String returns s.
func ParseMessage(s string) (*Message, error) {
	if len(s) > MaxMessageBytes {
		return nil, invalidMessage("longer than %d bytes", MaxMessageBytes)
	}
	l := &lineReader{rest: strings.Split(s, "\n")}
	m := &Message{}

	header, _ := l.next()
	prefix, ok := strings.CutSuffix(header, headerSuffix)
	if !ok {
		return nil, invalidMessage("line 1 must end with %q", headerSuffix)
	}
	if scheme, domain, found := strings.Cut(prefix, "://"); found {
		if scheme == "" {
			return nil, invalidMessage("scheme before \"://\" is empty")
		}
		m.Scheme, m.Domain = scheme, domain
	} else {
		m.Domain = prefix
	}
	if m.Address, ok = l.next(); !ok {
		return nil, invalidMessage("line 2 must be the address")
	}
	if err := l.blank("after the address"); err != nil {
		return nil, err
	}
	// With no statement the URI line follows one more blank line; with
	// one (possibly empty), a blank line follows the statement.
	if len(l.rest) >= 2 && l.rest[1] == "" {
		statement, _ := l.next()
		m.Statement = &statement
	}
	if err := l.blank("before the URI, and the statement is a single line"); err != nil {
		return nil, err
	}

	var err error
	var chainID, issuedAt string
	fields := []struct {
		tag string
		out *string
	}{
		{tagURI, &m.URI},
		{tagVersion, &m.Version},
		{tagChainID, &chainID},
		{tagNonce, &m.Nonce},
		{tagIssuedAt, &issuedAt},
	}
	for _, f := range fields {
		if *f.out, err = l.field(f.tag); err != nil {
			return nil, err
		}
	}
	if m.ChainID, err = parseChainID(chainID); err != nil {
		return nil, err
	}
	if m.IssuedAt, err = ParseTimestamp(issuedAt); err != nil {
		return nil, fmt.Errorf("%w (line %d)", err, l.line)
	}
	if m.ExpirationTime, err = l.optionalTimestamp(tagExpirationTime); err != nil {
		return nil, err
	}
	if m.NotBefore, err = l.optionalTimestamp(tagNotBefore); err != nil {
		return nil, err
	}
	if v, ok := l.optional(tagRequestID); ok {
		m.RequestID = &v
	}
	if len(l.rest) > 0 && l.rest[0] == lineResources {
		l.next()
		m.Resources = []string{}
		for len(l.rest) > 0 {
			r, err := l.field(resourcePrefix)
			if err != nil {
				return nil, err
			}
			m.Resources = append(m.Resources, r)
		}
	}
	if len(l.rest) > 0 {
		return nil, invalidMessage("line %d is not expected here", l.line+1)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// parseChainID reads chain-id = 1*DIGIT, refusing leading zeros so that
// the number writes back as the same text.
func parseChainID(s string) (uint64, error) {
	if s == "" || !isDigits(s) || (s[0] == '0' && len(s) > 1) {
		return 0, invalidMessage("chain ID must be a decimal number without leading zeros")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, invalidMessage("chain ID does not fit 64 bits")
	}
	return n, nil
}

// lineReader walks the message's lines, counting them for error messages.
type lineReader struct {
	rest []string
	line int // lines consumed so far
}

func (l *lineReader) next() (string, bool) {
	if len(l.rest) == 0 {
		return "", false
	}
	s := l.rest[0]
	l.rest = l.rest[1:]
	l.line++
	return s, true
}

func (l *lineReader) blank(why string) error {
	if s, ok := l.next(); !ok || s != "" {
		return invalidMessage("line %d must be empty (%s)", l.line, why)
	}
	return nil
}

// field consumes the next line, which must start with tag, and returns
// the rest of it.
func (l *lineReader) field(tag string) (string, error) {
	if len(l.rest) == 0 {
		return "", invalidMessage("line %d must start with %q, but the message ends", l.line+1, tag)
	}
	v, ok := strings.CutPrefix(l.rest[0], tag)
	if !ok {
		return "", invalidMessage("line %d must start with %q", l.line+1, tag)
	}
	l.next()
	return v, nil
}

// optional consumes the next line if it starts with tag.
func (l *lineReader) optional(tag string) (string, bool) {
	if len(l.rest) == 0 || !strings.HasPrefix(l.rest[0], tag) {
		return "", false
	}
	v, _ := l.field(tag)
	return v, true
}

func (l *lineReader) optionalTimestamp(tag string) (*Timestamp, error) {
	v, ok := l.optional(tag)
	if !ok {
		return nil, nil
	}
	ts, err := ParseTimestamp(v)
	if err != nil {
		return nil, fmt.Errorf("%w (line %d)", err, l.line)
	}
	return &ts, nil
}

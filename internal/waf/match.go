package waf

import (
	"regexp"
	"strings"
)

// matcher is a compiled statement.
type matcher interface {
	matches(ev *evaluation) bool
}

type byteMatch struct {
	field  field
	chain  chain
	search string
	pos    positional
}

type positional uint8

const (
	posExactly positional = iota
	posStartsWith
	posEndsWith
	posContains
	posContainsWord
)

func (m *byteMatch) matches(ev *evaluation) bool {
	return m.field.each(ev, func(v string) bool {
		v = m.chain.apply(v)
		switch m.pos {
		case posExactly:
			return v == m.search
		case posStartsWith:
			return strings.HasPrefix(v, m.search)
		case posEndsWith:
			return strings.HasSuffix(v, m.search)
		case posContains:
			return strings.Contains(v, m.search)
		}
		return containsWord(v, m.search)
	})
}

// containsWord finds word in v with a non-word character (or the edge)
// on each side; word characters are letters, digits and underscore.
func containsWord(v, word string) bool {
	for from := 0; from <= len(v)-len(word); {
		i := strings.Index(v[from:], word)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(word)
		if (i == 0 || !isWordByte(v[i-1])) && (end == len(v) || !isWordByte(v[end])) {
			return true
		}
		from = i + 1
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// regexMatch serves RegexMatchStatement and RegexPatternSetReference
// (whose expressions are joined into one alternation).
type regexMatch struct {
	field field
	chain chain
	re    *regexp.Regexp
}

func (m *regexMatch) matches(ev *evaluation) bool {
	return m.field.each(ev, func(v string) bool { return m.re.MatchString(m.chain.apply(v)) })
}

type sizeMatch struct {
	field field
	chain chain
	op    string
	size  int64
}

func (m *sizeMatch) matches(ev *evaluation) bool {
	return m.field.each(ev, func(v string) bool {
		n := int64(len(m.chain.apply(v)))
		switch m.op {
		case "EQ":
			return n == m.size
		case "NE":
			return n != m.size
		case "LE":
			return n <= m.size
		case "LT":
			return n < m.size
		case "GE":
			return n >= m.size
		}
		return n > m.size
	})
}

type andMatch []matcher

func (m andMatch) matches(ev *evaluation) bool {
	for _, s := range m {
		if !s.matches(ev) {
			return false
		}
	}
	return true
}

type orMatch []matcher

func (m orMatch) matches(ev *evaluation) bool {
	for _, s := range m {
		if s.matches(ev) {
			return true
		}
	}
	return false
}

type notMatch struct{ m matcher }

func (m notMatch) matches(ev *evaluation) bool { return !m.m.matches(ev) }

// labelMatch matches a label added by an earlier rule. For LABEL scope the
// key is the label's name, optionally with its namespaces before it; for
// NAMESPACE the key is one or more of the namespaces nearest the name.
type labelMatch struct {
	namespace bool
	key       string // NAMESPACE keys end in ':'
}

func (m labelMatch) matches(ev *evaluation) bool {
	for _, l := range ev.labels {
		if m.namespace {
			ns := l[:strings.LastIndexByte(l, ':')+1]
			if ns == m.key || strings.HasSuffix(ns, ":"+m.key) {
				return true
			}
			continue
		}
		if l == m.key || strings.HasSuffix(l, ":"+m.key) {
			return true
		}
	}
	return false
}

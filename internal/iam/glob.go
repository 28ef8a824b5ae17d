package iam

import (
	"strings"
	"unicode/utf8"
)

// glob is a compiled wildcard pattern: chunks of fixed-width atoms separated
// by '*'. A chunk matches at a position or not, so chunks between stars can be
// placed leftmost-first with no backtracking, and matching never allocates.
type glob struct {
	chunks [][]atom // len(chunks)-1 stars lie between them
	vars   []*variable
	fold   bool // compare literals case-insensitively (actions, …IgnoreCase)
}

type atom struct {
	kind tokenKind // tokLiteral, tokOne or tokVar
	text string    // tokLiteral
	idx  int       // tokVar: index into glob.vars and the resolved values
}

func compileGlob(toks []token, fold bool) glob {
	g := glob{chunks: [][]atom{nil}, fold: fold}
	for _, t := range toks {
		last := len(g.chunks) - 1
		switch t.kind {
		case tokStar:
			g.chunks = append(g.chunks, nil)
		case tokVar:
			g.chunks[last] = append(g.chunks[last], atom{kind: tokVar, idx: len(g.vars)})
			g.vars = append(g.vars, t.v)
		default:
			g.chunks[last] = append(g.chunks[last], atom{kind: t.kind, text: t.text})
		}
	}
	return g
}

// literal returns the text the pattern matches when it has no wildcard or
// variable.
func (g *glob) literal() (string, bool) {
	if len(g.chunks) != 1 || len(g.vars) != 0 || g.fold {
		return "", false
	}
	var text string
	for _, a := range g.chunks[0] {
		if a.kind != tokLiteral {
			return "", false
		}
		text += a.text
	}
	return text, true
}

// match reports whether s matches. A variable that does not resolve makes
// the pattern match nothing ("IAM policy elements: Variables and tags").
func (g *glob) match(s string, ctx Context) bool {
	if len(g.vars) == 0 {
		return g.matchResolved(s, nil)
	}
	var buf [4]string
	vals := buf[:0]
	for _, v := range g.vars {
		r, ok := v.resolve(ctx)
		if !ok {
			return false
		}
		vals = append(vals, r)
	}
	return g.matchResolved(s, vals)
}

func (g *glob) matchResolved(s string, vals []string) bool {
	first, last := g.chunks[0], g.chunks[len(g.chunks)-1]
	n, ok := g.matchChunk(first, s, vals)
	if len(g.chunks) == 1 {
		return ok && n == len(s)
	}
	if !ok {
		return false
	}
	pos := n
	for _, c := range g.chunks[1 : len(g.chunks)-1] {
		start, n, ok := g.find(c, s, pos, vals)
		if !ok {
			return false
		}
		pos = start + n
	}
	if len(last) == 0 {
		return true
	}
	for start := pos; ; start = nextRune(s, start) {
		if n, ok := g.matchChunk(last, s[start:], vals); ok && start+n == len(s) {
			return true
		}
		if start == len(s) {
			return false
		}
	}
}

// find places chunk c at the leftmost position from pos where it matches.
func (g *glob) find(c []atom, s string, pos int, vals []string) (start, n int, ok bool) {
	for start = pos; ; start = nextRune(s, start) {
		if n, ok = g.matchChunk(c, s[start:], vals); ok {
			return start, n, true
		}
		if start == len(s) {
			return 0, 0, false
		}
	}
}

// matchChunk matches c against the start of s and returns the bytes used.
func (g *glob) matchChunk(c []atom, s string, vals []string) (int, bool) {
	pos := 0
	for _, a := range c {
		if a.kind == tokOne {
			if pos == len(s) {
				return 0, false
			}
			pos = nextRune(s, pos)
			continue
		}
		text := a.text
		if a.kind == tokVar {
			text = vals[a.idx]
		}
		if len(s)-pos < len(text) || !g.equal(s[pos:pos+len(text)], text) {
			return 0, false
		}
		pos += len(text)
	}
	return pos, true
}

func (g *glob) equal(a, b string) bool {
	if g.fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// nextRune is the index after the character at i < len(s) ('?' matches one
// character, not one byte).
func nextRune(s string, i int) int {
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

package iam

import "strings"

// arnPattern matches ARNs segment by segment, for the Resource element and
// the Arn condition operators. The pattern's colons split it into at most six
// segments (arn:partition:service:region:account:resource); '*' and '?' match
// within a segment, and the final segment of the pattern takes the whole rest
// of the ARN, so "*" matches everything, "arn:aws:execute-api:*" matches every
// execute-api ARN, and the resource part may contain colons. This is "IAM JSON
// policy elements: Resource" (wildcards within each colon-separated segment;
// a trailing '*' expands beyond the colon boundaries) and "Condition
// operators" (ArnLike checks each of the six components separately). A '*'
// inside an earlier segment never crosses a colon, so a request path holding
// ":123456789012:" cannot pose as another account.
type arnPattern struct {
	// prefix is the leading segments that hold no wildcard or variable,
	// with their colons, checked in one comparison: in the usual pattern
	// "arn:aws:execute-api:us-east-1:123456789012:api/*" all five.
	prefix   string
	segments []glob // the segments after prefix; the last takes the rest
}

// maxARNColons is how many colons separate the six ARN components.
const maxARNColons = 5

func compileARN(s string, withVars bool) arnPattern {
	var segs [][]token
	cur := []token{}
	for _, t := range tokenize(s, withVars, true) {
		if t.kind != tokLiteral {
			cur = append(cur, t)
			continue
		}
		text := t.text
		for len(segs) < maxARNColons {
			before, after, found := strings.Cut(text, ":")
			if !found {
				break
			}
			if before != "" {
				cur = append(cur, token{kind: tokLiteral, text: before})
			}
			segs, cur, text = append(segs, cur), []token{}, after
		}
		if text != "" {
			cur = append(cur, token{kind: tokLiteral, text: text})
		}
	}
	segs = append(segs, cur)
	var p arnPattern
	for i, toks := range segs {
		g := compileGlob(toks, false)
		if lit, ok := g.literal(); ok && len(p.segments) == 0 && i < len(segs)-1 {
			p.prefix += lit + ":"
			continue
		}
		p.segments = append(p.segments, g)
	}
	return p
}

func (p *arnPattern) match(arn string, ctx Context) bool {
	if !strings.HasPrefix(arn, p.prefix) {
		return false
	}
	arn = arn[len(p.prefix):]
	last := len(p.segments) - 1
	pos := 0
	for i := range last {
		end := strings.IndexByte(arn[pos:], ':')
		if end < 0 || !p.segments[i].match(arn[pos:pos+end], ctx) {
			return false
		}
		pos += end + 1
	}
	return p.segments[last].match(arn[pos:], ctx)
}

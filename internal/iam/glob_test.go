package iam

import (
	"regexp"
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"", "", true},
		{"", "a", false},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"a*b*c", "acbc", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aab", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true}, // one character, two bytes
		{"??", "é", false},
		{"*?", "", false},
		{"*?", "x", true},
		{"**", "x", true},
		{"a*?*b", "ab", false},
		{"a*?*b", "axb", true},
	} {
		g := compileGlob(tokenize(tc.pattern, false, true), false)
		if got := g.match(tc.s, nil); got != tc.want {
			t.Errorf("glob %q match %q = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
		if got := globRegexp(tc.pattern).MatchString(tc.s); got != tc.want {
			t.Errorf("oracle disagrees with the table for %q, %q", tc.pattern, tc.s)
		}
	}
}

// globRegexp is the obvious regexp for a glob, used as an oracle.
func globRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

func TestARNPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:execute-api:us-east-1:1:a/b", true},
		{"arn:aws:execute-api:*", "arn:aws:execute-api:us-east-1:1:a/b", true},
		{"arn:aws:execute-api:*:*:a/*", "arn:aws:execute-api:us-east-1:1:a/b:c", true},
		{"arn:aws:execute-api:*:*:a/*", "arn:aws:execute-api:us-east-1:1:b/a/x", false},
		{"arn:aws:execute-api:us-*:*:*", "arn:aws:execute-api:us-east-1:1:x", true},
		{"arn:aws:execute-api:us-*:*:*", "arn:aws:execute-api:eu-west-1:1:x", false},
		{"arn:aws:*:us-east-1:1:x", "arn:aws:s3:us-east-1:1:x", true},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket2", false},
		{"arn:aws:s3:::bucket", "arn:aws:s3::bucket", false},
		{"arn:aws:execute-api:us-east-1:1:x", "arn:aws:execute-api:us-east-1", false},
	} {
		p := compileARN(tc.pattern, true)
		if got := p.match(tc.arn, nil); got != tc.want {
			t.Errorf("ARN pattern %q match %q = %v, want %v", tc.pattern, tc.arn, got, tc.want)
		}
	}
}

func TestTokenizeVariables(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // tokens rendered: literal text, * ? and {key|default}
	}{
		{"a${aws:username}b", "a{aws:username}b"},
		{"${aws:PrincipalTag/team, 'company-wide'}", "{aws:PrincipalTag/team|company-wide}"},
		{"${aws:userid,'anon'}", "{aws:userid|anon}"},
		{"${*}${?}${$}*?", "*?$*?"},
		{"${unclosed", "${unclosed"},
		{"${}", "${}"},
		{"${a b}", "${a b}"},
		{"${k, noquote}", "${k, noquote}"},
	} {
		var b strings.Builder
		for _, tok := range tokenize(tc.in, true, true) {
			switch tok.kind {
			case tokLiteral:
				b.WriteString(tok.text)
			case tokStar:
				b.WriteString("*")
			case tokOne:
				b.WriteString("?")
			case tokVar:
				b.WriteString("{" + tok.v.key.name)
				if tok.v.hasDefault {
					b.WriteString("|" + tok.v.def)
				}
				b.WriteString("}")
			}
		}
		if b.String() != tc.want {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

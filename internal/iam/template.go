package iam

import "strings"

// tokenKind is what one piece of a policy string stands for.
type tokenKind uint8

const (
	tokLiteral tokenKind = iota // text compared as written
	tokStar                     // '*': any run of characters
	tokOne                      // '?': exactly one character
	tokVar                      // ${key} or ${key, 'default'}: a request-context value
)

type token struct {
	kind tokenKind
	text string    // tokLiteral: the text
	v    *variable // tokVar
}

// variable is a policy variable, resolved from the request context at
// evaluation time ("IAM policy elements: Variables and tags").
type variable struct {
	key        contextKey
	def        string
	hasDefault bool
}

// resolve returns the variable's value. A key with no value, or with several
// (a variable names one value), resolves to the default when there is one;
// otherwise it does not resolve and the string holding it matches nothing.
func (v *variable) resolve(ctx Context) (string, bool) {
	if vals := ctx.lookup(v.key); len(vals) == 1 {
		return vals[0], true
	}
	if v.hasDefault {
		return v.def, true
	}
	return "", false
}

// tokenize splits a policy string into tokens. withVars is false under the
// 2008-10-17 language, where "${…}" is literal text ("IAM JSON policy
// elements: Version"); withWildcards is false for exact string comparisons.
// Text that is not a well-formed variable stays literal.
func tokenize(s string, withVars, withWildcards bool) []token {
	var toks []token
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, token{kind: tokLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		if withVars && strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				if tok, ok := parseVariable(s[i+2 : i+2+end]); ok {
					if tok.kind == tokLiteral {
						lit.WriteString(tok.text)
					} else {
						flush()
						toks = append(toks, tok)
					}
					i += end + 3
					continue
				}
			}
		}
		c := s[i]
		switch {
		case withWildcards && c == '*':
			flush()
			toks = append(toks, token{kind: tokStar})
		case withWildcards && c == '?':
			flush()
			toks = append(toks, token{kind: tokOne})
		default:
			lit.WriteByte(c)
		}
		i++
	}
	flush()
	return toks
}

// parseVariable reads the inside of "${…}": one of the escapes ${*}, ${?},
// ${$} (literal characters), or "key" or "key, 'default'".
func parseVariable(body string) (token, bool) {
	switch body {
	case "*", "?", "$":
		return token{kind: tokLiteral, text: body}, true
	}
	key, def, hasDefault := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " '${") {
		return token{}, false
	}
	v := &variable{key: newContextKey(key)}
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return token{}, false
		}
		v.def, v.hasDefault = def[1:len(def)-1], true
	}
	return token{kind: tokVar, v: v}, true
}

func hasVariable(toks []token) bool {
	for _, t := range toks {
		if t.kind == tokVar {
			return true
		}
	}
	return false
}

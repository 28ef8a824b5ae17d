package userpool

import (
	"strings"
)

// userFilter is a parsed ListUsers filter: `name = "value"` or `name ^= "value"`.
type userFilter struct {
	Attribute string
	Value     string
	Prefix    bool
}

// filterableAttributes are the attributes Cognito lets ListUsers filter on.
var filterableAttributes = map[string]bool{
	"username": true, "email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true,
}

var errFilter = invalidParameter("Error while parsing filter.")

// parseUserFilter parses Cognito's filter syntax. An empty filter selects all.
func parseUserFilter(s string) (userFilter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return userFilter{}, nil
	}
	nameEnd := strings.IndexAny(s, " =^")
	if nameEnd <= 0 {
		return userFilter{}, errFilter
	}
	f := userFilter{Attribute: s[:nameEnd]}
	rest := strings.TrimLeft(s[nameEnd:], " ")
	switch {
	case strings.HasPrefix(rest, "^="):
		f.Prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return userFilter{}, errFilter
	}
	if !filterableAttributes[f.Attribute] {
		return userFilter{}, invalidParameter("Invalid search attribute: %s", f.Attribute)
	}
	value, ok := unquote(strings.TrimSpace(rest))
	if !ok {
		return userFilter{}, errFilter
	}
	f.Value = value
	return f, nil
}

// unquote reads a double-quoted value in which \" and \\ are escapes.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body) && (body[i+1] == '"' || body[i+1] == '\\'):
			b.WriteByte(body[i+1])
			i++
		case c == '"':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

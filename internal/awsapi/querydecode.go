package awsapi

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moat-dev/moat/internal/awserr"
)

// Query is a decoded query-protocol request: Action, Version and the
// operation's parameters, flattened as the protocol sends them
// ("RoleName=x", "Tags.member.1.Key=k").
type Query struct {
	Action  string
	Version string
	params  url.Values
}

// maxListMembers bounds a list's member index, far above IAM's own limits
// (IAM allows 50 tags), so a request cannot make moat allocate for huge indices.
const maxListMembers = 1000

// DecodeQuery parses a form-encoded parameter string: a POST body or a GET
// query. Every parameter appears at most once and holds valid UTF-8 without
// NUL (PostgreSQL stores neither, and no query-protocol member allows them).
func DecodeQuery(form string) (*Query, error) {
	values, err := url.ParseQuery(form)
	if err != nil {
		return nil, malformedQuery("The request's parameters are not valid form encoding.")
	}
	for name, vs := range values {
		if len(vs) > 1 {
			return nil, malformedQuery("Parameter " + printable(name) + " is given more than once.")
		}
		if !utf8.ValidString(name) || !utf8.ValidString(vs[0]) || strings.ContainsRune(name+vs[0], 0) {
			return nil, malformedQuery("Parameters must be UTF-8 text without U+0000.")
		}
	}
	req := &Query{Action: values.Get("Action"), Version: values.Get("Version"), params: values}
	if req.Action == "" {
		return nil, awserr.New("MissingAction", "Request is missing Action parameter.")
	}
	return req, nil
}

func malformedQuery(message string) *awserr.Error { return awserr.New("MalformedQueryString", message) }

// printable shortens and cleans a client-chosen name for an error message.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.QuoteToASCII(s)
}

// Get returns a parameter's value, "" when absent.
func (q *Query) Get(name string) string { return q.params.Get(name) }

// Required returns a parameter that must be present, refusing its absence
// as query-protocol services do (member is the model's camel-case name, e.g. roleName).
func (q *Query) Required(name, member string) (string, error) {
	if !q.params.Has(name) {
		return "", awserr.Newf("ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	return q.params.Get(name), nil
}

// Int returns an integer parameter, 0 when absent.
func (q *Query) Int(name, member string) (int64, error) {
	v := q.params.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, awserr.Newf("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be an integer", printable(v), member)
	}
	return n, nil
}

// Structs returns a list of structures, sent as "<name>.member.<n>.<field>"
// with n counting from 1, in index order.
func (q *Query) Structs(name string) ([]map[string]string, error) {
	prefix := name + ".member."
	byIndex := map[int]map[string]string{}
	for key, vs := range q.params {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		index, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(index)
		if !ok || err != nil || n < 1 || n > maxListMembers || field == "" || index != strconv.Itoa(n) {
			return nil, malformedQuery("Parameter " + printable(key) + " is not a valid list member.")
		}
		if byIndex[n] == nil {
			byIndex[n] = map[string]string{}
		}
		byIndex[n][field] = vs[0]
	}
	indices := make([]int, 0, len(byIndex))
	for n := range byIndex {
		indices = append(indices, n)
	}
	sort.Ints(indices)
	out := make([]map[string]string, len(indices))
	for i, n := range indices {
		out[i] = byIndex[n]
	}
	return out, nil
}

package iam

import "strings"

// Context holds the request's condition keys and their values, e.g.
// "aws:SourceIp", "aws:CurrentTime", "cognito-identity.amazonaws.com:amr".
// Key names are case-insensitive, as IAM's are ("IAM policy elements:
// Variables and tags": aws:CurrentTime is equivalent to AWS:currenttime).
// A key with several values is multivalued (see ForAnyValue/ForAllValues).
type Context map[string][]string

// contextKey is a condition key from a policy, kept with its lowercase form
// so the common lookups need no allocation.
type contextKey struct {
	name, lower string
}

func newContextKey(name string) contextKey {
	return contextKey{name: name, lower: strings.ToLower(name)}
}

// lookup returns the key's values, trying the spelling in the policy, then
// lowercase, then any spelling.
func (c Context) lookup(k contextKey) []string {
	if v, ok := c[k.name]; ok {
		return v
	}
	if v, ok := c[k.lower]; ok {
		return v
	}
	for name, v := range c {
		if strings.EqualFold(name, k.name) {
			return v
		}
	}
	return nil
}

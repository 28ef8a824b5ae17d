package identitypool

import (
	"regexp"
	"unicode/utf8"
)

// member is a string member of Cognito Identity's model: its name as AWS's
// validation messages spell it, its length bound and its pattern ("" for
// none).
type member struct {
	name    string
	max     int
	pattern string
	re      *regexp.Regexp
}

func newMember(name string, max int, pattern string) member {
	m := member{name: name, max: max, pattern: pattern}
	if pattern != "" {
		m.re = regexp.MustCompile(`^(?:` + pattern + `)$`)
	}
	return m
}

var (
	identityPoolIDMember = newMember("identityPoolId", maxIDLength, `[\w-]+:[0-9a-f-]+`)
	identityIDMember     = newMember("identityId", maxIDLength, `[\w-]+:[0-9a-f-]+`)
	poolNameMember       = newMember("identityPoolName", 128, `[\w\s+=,.@-]+`)
	developerMember      = newMember("developerProviderName", 128, `[\w._-]+`)
	providerNameMember   = newMember("providerName", 128, `[\w._:/-]+`)
	clientIDMember       = newMember("clientId", 128, `[\w_]+`)
	tagProviderMember    = newMember("identityProviderName", 128, "")
)

// check answers ValidationException, worded as AWS words it, when value
// breaks the member's constraints; at is the member's path in the request
// ("" for the member's own name). A required member may not be empty: the
// JSON decoder leaves a missing member empty, which AWS reports as null.
func (m member) check(value, at string, required bool) error {
	if at == "" {
		at = m.name
	}
	switch {
	case value == "" && required:
		return constraintViolated("Value null at '%s' failed to satisfy constraint: Member must not be null", at)
	case value == "":
		return nil
	case utf8.RuneCountInString(value) > m.max:
		return constraintViolated("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value, at, m.max)
	case m.re != nil && !m.re.MatchString(value):
		return constraintViolated("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, at, m.pattern)
	}
	return nil
}

// checkMapEntries answers ValidationException when a map member's keys or
// values fall outside their length bounds, as AWS reports map constraints.
func checkMapEntries(at string, entries map[string]string, maxKey, maxValue int) error {
	for k, v := range entries {
		if n := utf8.RuneCountInString(k); n < 1 || n > maxKey {
			return constraintViolated("Value at '%s' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to 1]", at, maxKey)
		}
		if n := utf8.RuneCountInString(v); n < 1 || n > maxValue {
			return constraintViolated("Value at '%s' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to 1]", at, maxValue)
		}
	}
	return nil
}

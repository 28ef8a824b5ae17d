package functions

import (
	"regexp"
	"strings"
)

// latest is the only version moat keeps: functions are not published.
const latest = "$LATEST"

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// reference is a function as a caller names it.
type reference struct {
	name, qualifier string
}

// parseReference reads a function name as Lambda accepts it: a name, a
// full ARN or a partial one ("<account>:function:<name>"), each optionally
// followed by ":<qualifier>". ok is false for anything else, and for ARNs
// of another region or account, which name no function here.
func (r *Runtime) parseReference(s string) (ref reference, ok bool) {
	parts := strings.Split(s, ":")
	switch {
	case len(parts) <= 2: // name[:qualifier]
	case strings.HasPrefix(s, "arn:"):
		if len(parts) < 7 || len(parts) > 8 || parts[1] != "aws" || parts[2] != "lambda" || parts[3] != r.region ||
			parts[4] != r.account || parts[5] != "function" {
			return ref, false
		}
		parts = parts[6:]
	default: // <account>:function:name[:qualifier]
		if len(parts) > 4 || parts[0] != r.account || parts[1] != "function" {
			return ref, false
		}
		parts = parts[2:]
	}
	ref.name = parts[0]
	if len(parts) == 2 {
		if parts[1] == "" {
			return ref, false
		}
		ref.qualifier = parts[1]
	}
	return ref, nameRE.MatchString(ref.name)
}

// arn is the function's ARN in this deployment.
func (r *Runtime) arn(name string) string {
	return "arn:aws:lambda:" + r.region + ":" + r.account + ":function:" + name
}

// qualified is the ARN as invoked: with the qualifier when one was given.
func (r *Runtime) qualified(ref reference) string {
	if ref.qualifier == "" {
		return r.arn(ref.name)
	}
	return r.arn(ref.name) + ":" + ref.qualifier
}

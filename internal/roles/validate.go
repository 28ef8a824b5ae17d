package roles

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits from the IAM API Reference (CreateRole, PutRolePolicy, TagRole)
// and "IAM and AWS STS quotas".
const (
	maxNameLength        = 64
	maxPolicyNameLength  = 128
	maxPathLength        = 512
	maxDescriptionLength = 1000
	maxTags              = 50
	maxTagKeyLength      = 128
	maxTagValueLength    = 256
	maxDocumentLength    = 131072
	// Quotas count a document without its whitespace.
	maxTrustPolicySize   = 2048
	maxInlinePolicyTotal = 10240

	DefaultMaxSessionDuration = 3600
	minSessionDuration        = 3600
	maxSessionDuration        = 43200
)

// isNameChar is IAM's [\w+=,.@-], where \w is ASCII letters, digits and _.
func isNameChar(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r))
}

func checkName(value, member string, maxLength int) error {
	if err := checkLength(value, member, 1, maxLength); err != nil {
		return err
	}
	for _, r := range value {
		if !isNameChar(r) {
			return invalid(value, member, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		}
	}
	return nil
}

// CheckRoleName validates a role name as IAM does.
func CheckRoleName(name string) error { return checkName(name, "roleName", maxNameLength) }

func checkPolicyName(name string) error {
	return checkName(name, "policyName", maxPolicyNameLength)
}

func checkLength(value, member string, minLength, maxLength int) error {
	n := utf8.RuneCountInString(value)
	switch {
	case n < minLength:
		return invalid(value, member, fmt.Sprintf("Member must have length greater than or equal to %d", minLength))
	case n > maxLength:
		return invalid(value, member, fmt.Sprintf("Member must have length less than or equal to %d", maxLength))
	}
	return nil
}

// checkPath: "/" or "/…/" with printable ASCII between, as IAM's
// (\u002F)|(\u002F[\u0021-\u007E]+\u002F).
func checkPath(path string) error {
	if err := checkLength(path, "path", 1, maxPathLength); err != nil {
		return err
	}
	ok := path == "/" || (len(path) >= 3 && path[0] == '/' && path[len(path)-1] == '/')
	for i := 0; ok && i < len(path); i++ {
		ok = path[i] >= 0x21 && path[i] <= 0x7e
	}
	if !ok {
		return invalid(path, "path", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return nil
}

// checkDescription: IAM's [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*.
func checkDescription(d string) error {
	if err := checkLength(d, "description", 0, maxDescriptionLength); err != nil {
		return err
	}
	for _, r := range d {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || (r >= 0xa1 && r <= 0xff)) {
			return invalid(d, "description", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
		}
	}
	return nil
}

// CheckMaxSessionDuration validates a role's MaxSessionDuration as IAM does.
func CheckMaxSessionDuration(seconds int64) error {
	switch {
	case seconds < minSessionDuration:
		return invalid(fmt.Sprint(seconds), "maxSessionDuration", fmt.Sprintf("Member must have value greater than or equal to %d", minSessionDuration))
	case seconds > maxSessionDuration:
		return invalid(fmt.Sprint(seconds), "maxSessionDuration", fmt.Sprintf("Member must have value less than or equal to %d", maxSessionDuration))
	}
	return nil
}

// isTagChar is IAM's [\p{L}\p{Z}\p{N}_.:/=+\-@]; values may also be empty.
func isTagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}

func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return limitExceeded(fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", maxTags))
	}
	for k, v := range tags {
		if err := checkLength(k, "tags.member.key", 1, maxTagKeyLength); err != nil {
			return err
		}
		if err := checkLength(v, "tags.member.value", 0, maxTagValueLength); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalid(k, "tags.member.key", "Member must not begin with aws:")
		}
		for _, s := range []string{k, v} {
			if strings.IndexFunc(s, func(r rune) bool { return !isTagChar(r) }) >= 0 {
				return invalid(s, "tags.member", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
			}
		}
	}
	return nil
}

// policySize counts a document as IAM's quotas do: without whitespace.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

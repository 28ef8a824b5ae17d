package roles

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

const (
	cognitoIdentity = "cognito-identity.amazonaws.com"
	cognitoAudience = cognitoIdentity + ":aud"
	webIdentity     = "sts:assumerolewithwebidentity"
)

// trustStatement is the part of a statement the trust-policy rules read. The
// document has already passed iam.ParsePolicy, so only shapes it accepts
// reach here.
type trustStatement struct {
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       stringList
	NotAction    stringList
	Resource     json.RawMessage
	NotResource  json.RawMessage
	Condition    map[string]map[string]json.RawMessage
}

// stringList is a policy element written as one string or an array of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = stringList{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

func readTrustStatements(doc string) ([]trustStatement, error) {
	var top struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	raw := bytes.TrimSpace(top.Statement)
	if len(raw) > 0 && raw[0] == '{' {
		raw = append(append([]byte{'['}, raw...), ']')
	}
	var statements []trustStatement
	if err := json.Unmarshal(raw, &statements); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	return statements, nil
}

// letsCognitoAssume: an Allow for the Cognito identity service principal
// whose actions include sts:AssumeRoleWithWebIdentity.
func (s *trustStatement) letsCognitoAssume() bool {
	if s.Effect != "Allow" || !s.namesFederated(cognitoIdentity) {
		return false
	}
	if s.NotAction != nil {
		return !matchesAction(s.NotAction, webIdentity)
	}
	return matchesAction(s.Action, webIdentity)
}

func (s *trustStatement) namesFederated(provider string) bool {
	var byType map[string]stringList
	if json.Unmarshal(s.Principal, &byType) != nil {
		return false // "*" is everyone, not a federated provider by name
	}
	for _, p := range byType["Federated"] {
		if strings.EqualFold(p, provider) {
			return true
		}
	}
	return false
}

// bindsIdentityPool: a positive condition on the token's audience, which is
// the identity pool ID.
func (s *trustStatement) bindsIdentityPool() bool {
	for operator, keys := range s.Condition {
		if strings.Contains(operator, "Not") || strings.HasPrefix(operator, "Null") {
			continue
		}
		for key := range keys {
			if strings.EqualFold(key, cognitoAudience) {
				return true
			}
		}
	}
	return false
}

// matchesAction compares actions as IAM does: case-insensitively, with * and ?.
func matchesAction(patterns []string, action string) bool {
	for _, p := range patterns {
		if ok, err := path.Match(strings.ToLower(p), action); ok && err == nil {
			return true
		}
	}
	return false
}

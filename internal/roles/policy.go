package roles

import (
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/iam"
)

// checkDocument applies IAM's length and character rules for policy
// documents ([\u0009\u000A\u000D\u0020-\u00FF]+ in the API reference, which
// IAM in practice extends to any non-control character).
func checkDocument(doc, member string) error {
	if err := checkLength(doc, member, 1, maxDocumentLength); err != nil {
		return err
	}
	for _, r := range doc {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return invalid("…", member, `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
		}
	}
	return nil
}

// parse runs the policy engine's parser, turning its complaint into IAM's
// MalformedPolicyDocument.
func parse(doc string) (*iam.Policy, error) {
	p, err := iam.ParsePolicy([]byte(doc))
	var perr *iam.PolicyError
	switch {
	case errors.As(err, &perr):
		return nil, malformed(perr.Error())
	case err != nil:
		return nil, awserr.Internal(err)
	}
	return p, nil
}

// ParsePermissionPolicy validates an identity (permission) policy, as
// PutRolePolicy does: it must not name a Principal.
func ParsePermissionPolicy(doc string) (*iam.Policy, error) {
	if err := checkDocument(doc, "policyDocument"); err != nil {
		return nil, err
	}
	p, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if p.NamesPrincipal() {
		return nil, malformed("Policy document should not specify a principal.")
	}
	return p, nil
}

// ParseTrustPolicy validates a role trust policy, as CreateRole and
// UpdateAssumeRolePolicy do: every statement names a Principal and no
// Resource, the document fits the ACLSizePerRole quota, and a statement
// letting Cognito identity pools assume the role is bound to a pool by a
// cognito-identity.amazonaws.com:aud condition.
func ParseTrustPolicy(doc string) (*iam.Policy, error) {
	if err := checkDocument(doc, "policyDocument"); err != nil {
		return nil, err
	}
	p, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if size := policySize(doc); size > maxTrustPolicySize {
		return nil, limitExceeded(fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize))
	}
	statements, err := readTrustStatements(doc)
	if err != nil {
		return nil, err
	}
	for i, s := range statements {
		switch {
		case s.Principal == nil && s.NotPrincipal == nil:
			return nil, malformed(fmt.Sprintf("Statement[%d]: a trust policy statement must name a Principal.", i))
		case s.Resource != nil || s.NotResource != nil:
			return nil, malformed("Has prohibited field Resource")
		case s.letsCognitoAssume() && !s.bindsIdentityPool():
			return nil, malformed(fmt.Sprintf("Statement[%d]: a statement that lets %s assume the role must have a condition on %s (the identity pool ID).", i, cognitoIdentity, cognitoAudience))
		}
	}
	return p, nil
}

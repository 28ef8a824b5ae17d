package authorizer

import "github.com/moat-dev/moat/internal/iam"

// guestCeiling bounds what unauthenticated identities can do, whatever
// their role's policies say — moat's counterpart of the scope-down session
// policy Cognito attaches to guest credentials. The gateway is the only
// AWS-shaped resource moat guards with IAM, so guests may at most invoke
// APIs: execute-api:InvalidateCache and every other action stay out of reach.
var guestCeiling = []*iam.Policy{mustParsePolicy(`{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "GuestsMayOnlyInvoke", "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]
}`)}

func mustParsePolicy(doc string) *iam.Policy {
	p, err := iam.ParsePolicy([]byte(doc))
	if err != nil {
		panic(err)
	}
	return p
}

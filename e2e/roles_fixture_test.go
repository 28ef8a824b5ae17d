package e2e

import "fmt"

// identityRoleYAML is one entry of the config's roles: a role identities of
// any identity pool in us-east-1 may assume when their amr matches
// (authenticated or unauthenticated), with one inline policy ("" for none).
func identityRoleYAML(name, amr, policy string) string {
	role := fmt.Sprintf(`
  - name: %s
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringLike: {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}
            ForAnyValue:StringLike: {"cognito-identity.amazonaws.com:amr": %s}`, name, amr)
	if policy != "" {
		role += fmt.Sprintf(`
    policies:
      invoke: '%s'`, policy)
	}
	return role
}

package identitypool

import (
	"context"
	"errors"

	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
)

// checkTrust is what STS does for AssumeRoleWithWebIdentity: the role must
// exist and its trust policy allow the Cognito identity service, with the
// identity's aud, amr and sub as condition keys, to assume it (and to tag
// the session, when the session carries tags).
func (s *Service) checkTrust(ctx context.Context, roleARN, poolID, identityID string, amr []string, tagged bool) error {
	role, err := s.store.GetRoleByARN(ctx, roleARN)
	if errors.Is(err, store.ErrNotFound) {
		return untrusted(roleARN)
	}
	if err != nil {
		return storeErr(err, nil)
	}
	policy, err := iam.ParsePolicy([]byte(role.AssumeRolePolicy))
	if err != nil {
		return untrusted(roleARN)
	}
	req := iam.Request{
		Resource:  roleARN,
		Principal: &iam.Principal{Federated: cognitoIdentityKey},
		Context: iam.Context{
			cognitoIdentityKey + ":aud": {poolID},
			cognitoIdentityKey + ":amr": amr,
			cognitoIdentityKey + ":sub": {identityID},
		},
	}
	actions := []string{"sts:AssumeRoleWithWebIdentity"}
	if tagged {
		actions = append(actions, "sts:TagSession")
	}
	for _, action := range actions {
		req.Action = action
		if policy.Evaluate(req) != iam.Allow {
			return untrusted(roleARN)
		}
	}
	return nil
}

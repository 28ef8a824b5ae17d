package identitypool

import (
	"context"
	"slices"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
)

// caller is an identity proven by a request: its pool, and the logins
// that prove it (none for a guest).
type caller struct {
	identity store.Identity
	pool     store.IdentityPool
	config   *IdentityPool
	logins   []login
}

func (c *caller) authenticated() bool { return len(c.logins) > 0 }

// amr is the identity's authentication methods, as the
// cognito-identity.amazonaws.com:amr condition key and tokens carry them.
func (c *caller) amr() []string {
	if !c.authenticated() {
		return []string{"unauthenticated"}
	}
	out := []string{"authenticated"}
	for _, l := range c.logins {
		if l.ownToken != nil {
			out = append(out, slices.DeleteFunc(slices.Clone(l.ownToken.AMR), func(m string) bool { return m == "authenticated" })...)
			continue
		}
		out = append(out, l.amr...)
	}
	return out
}

// prove checks that a request may act as the identity: a guest identity with
// no logins (where the pool allows guests), or logins of which at least one
// the identity already has. The logins are then claimed (see claim): a
// guest becomes authenticated, or is merged into the user's identity, which
// the caller then acts as.
func (s *Service) prove(ctx context.Context, identityID string, logins map[string]string) (*caller, error) {
	i, err := s.loadIdentity(ctx, identityID)
	if err != nil {
		return nil, err
	}
	sp, pool, err := s.loadPool(ctx, i.PoolID)
	if err != nil {
		return nil, storeErr(err, identityNotFound(identityID))
	}
	if i.Disabled {
		return nil, identityDisabled(i.ID)
	}
	c := &caller{identity: i, pool: sp, config: pool}
	if len(logins) == 0 {
		switch {
		case len(i.Logins) > 0:
			return nil, errLoginsMismatch
		case !pool.AllowUnauthenticatedIdentities:
			return nil, errGuestsOff
		}
		return c, nil
	}
	if c.logins, err = s.verifyLogins(ctx, pool, logins); err != nil {
		return nil, err
	}
	if !owns(i, c.logins) {
		return nil, errLoginsMismatch
	}
	if c.identity, err = s.claim(ctx, i, c.logins); err != nil {
		return nil, err
	}
	return c, nil
}

// owns: one of the logins is already the identity's (or an identity-pool
// token for it), or the identity is a guest's, free to be claimed.
func owns(i store.Identity, logins []login) bool {
	for _, l := range logins {
		if l.ownToken != nil {
			return l.ownToken.Subject == i.ID
		}
	}
	if len(i.Logins) == 0 {
		return true
	}
	for _, l := range logins {
		if i.Logins[l.provider] == l.subject {
			return true
		}
	}
	return false
}

// GetCredentialsForIdentity is the enhanced flow's second step: choose the
// role, check its trust policy, and issue one hour of credentials.
func (s *Service) GetCredentialsForIdentity(ctx context.Context, in *GetCredentialsInput) (*GetCredentialsOutput, error) {
	c, err := s.prove(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	roles, err := poolRoles(c.pool)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	var roleARN string
	if c.authenticated() {
		roleARN, err = chooseRole(roles, c.logins, in.CustomRoleArn)
	} else {
		roleARN, err = defaultRole(roles, unauthenticatedRole)
	}
	if err != nil {
		return nil, err
	}
	configs, err := tagConfigs(c.pool)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	tags := sessionTags(configs, c.logins)
	amr := c.amr()
	if err := s.checkTrust(ctx, roleARN, c.pool.ID, c.identity.ID, amr, len(tags) > 0); err != nil {
		return nil, err
	}
	issued, err := s.creds.Issue(ctx, tempcreds.Session{
		IdentityID: c.identity.ID, IdentityPoolID: c.pool.ID, RoleARN: roleARN,
		Authenticated: c.authenticated(), AMR: amr, PrincipalTags: tags, Issuer: s.sessionIssuer(c),
	}, tempcreds.DefaultTTL)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return &GetCredentialsOutput{IdentityId: c.identity.ID, Credentials: Credentials{
		AccessKeyId: issued.AccessKeyId, SecretKey: issued.SecretKey, SessionToken: issued.SessionToken,
		Expiration: float64(issued.Expiration.Unix()),
	}}, nil
}

// sessionIssuer names who vouched for the session: the developer provider
// for developer-authenticated identities, Cognito Identity otherwise.
func (s *Service) sessionIssuer(c *caller) string {
	for _, l := range c.logins {
		if l.ownToken != nil && c.config.DeveloperProviderName != "" && slices.Contains(l.ownToken.AMR, c.config.DeveloperProviderName) {
			return c.config.DeveloperProviderName
		}
	}
	return cognitoIdentityKey
}

// GetOpenIdToken is the basic flow's token for the identity, valid ten minutes.
func (s *Service) GetOpenIdToken(ctx context.Context, in *GetOpenIdTokenInput) (*OpenIdTokenOutput, error) {
	c, err := s.prove(ctx, in.IdentityId, in.Logins)
	if err != nil {
		return nil, err
	}
	token, err := s.mintOpenID(c.identity.ID, c.pool.ID, c.amr(), nil, openIDTokenLife)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return &OpenIdTokenOutput{IdentityId: c.identity.ID, Token: token}, nil
}

package identitypool

import (
	"context"
	"errors"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

const maxDeveloperUserIDLength = 1024

// GetOpenIdTokenForDeveloperIdentity is the developer-authenticated flow: a
// backend, signed with the admin key, vouches for one of its users by the
// pool's DeveloperProviderName and gets an identity-pool token for the
// identity that user has (created on first use), which the client then
// presents as Logins{"cognito-identity.amazonaws.com": token}.
func (s *Service) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, in *DeveloperTokenInput) (*OpenIdTokenOutput, error) {
	_, pool, err := s.loadPool(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	life, err := developerTokenLifetime(in.TokenDuration)
	if err != nil {
		return nil, err
	}
	if len(in.PrincipalTags) > maxPrincipalTags {
		return nil, constraintViolated("Value at 'principalTags' failed to satisfy constraint: Member must have length less than or equal to %d", maxPrincipalTags)
	}
	if err := checkMapEntries("principalTags", in.PrincipalTags, maxTagKeyLength, maxTagClaimLength); err != nil {
		return nil, err
	}
	dev := pool.DeveloperProviderName
	userID, ok := in.Logins[dev]
	if dev == "" || !ok {
		return nil, invalidParameter("Logins must hold this identity pool's developer provider name as a key.")
	}
	if userID == "" || len(userID) > maxDeveloperUserIDLength {
		return nil, invalidParameter("The developer user identifier must be 1 to %d characters.", maxDeveloperUserIDLength)
	}
	others := make(map[string]string, len(in.Logins))
	for k, v := range in.Logins {
		if k != dev {
			others[k] = v
		}
	}
	logins, err := s.verifyLogins(ctx, pool, others)
	if err != nil {
		return nil, err
	}
	logins = append(logins, login{provider: dev, subject: userID})
	i, err := s.developerIdentity(ctx, pool.IdentityPoolId, in.IdentityId, dev, userID, logins)
	if err != nil {
		return nil, err
	}
	amr := []string{"authenticated", dev}
	token, err := s.mintOpenID(i.ID, pool.IdentityPoolId, amr, in.PrincipalTags, life)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	return &OpenIdTokenOutput{IdentityId: i.ID, Token: token}, nil
}

// developerIdentity is the identity for a developer user: the one named by
// identityID (linking the user to it, unless the user already has another),
// else the one the logins lead to.
func (s *Service) developerIdentity(ctx context.Context, poolID, identityID, dev, userID string, logins []login) (store.Identity, error) {
	if identityID == "" {
		return s.identityFor(ctx, poolID, logins)
	}
	i, err := s.loadIdentity(ctx, identityID)
	if err != nil {
		return i, err
	}
	if i.PoolID != poolID {
		return i, identityNotFound(identityID)
	}
	holder, err := s.store.FindIdentityByLogin(ctx, poolID, dev, userID)
	switch {
	case err == nil && holder.ID != i.ID:
		return i, awserr.New(DeveloperUserAlreadyRegistered, "The developer user identifier is already registered with Cognito under a different identity ID.")
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return i, storeErr(err, nil)
	}
	return s.link(ctx, i, linkable(logins))
}

func developerTokenLifetime(seconds *int64) (time.Duration, error) {
	if seconds == nil {
		return developerTokenLife, nil
	}
	if *seconds < 1 || time.Duration(*seconds)*time.Second > maxDeveloperTokenLife {
		return 0, constraintViolated("Value '%d' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and 86400", *seconds)
	}
	return time.Duration(*seconds) * time.Second, nil
}

// LookupDeveloperIdentity finds the identity of a developer user, or the
// developer users of an identity.
func (s *Service) LookupDeveloperIdentity(ctx context.Context, in *LookupDeveloperIdentityInput) (*LookupDeveloperIdentityOutput, error) {
	_, pool, err := s.loadPool(ctx, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 60) {
		return nil, constraintViolated("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *in.MaxResults)
	}
	dev := pool.DeveloperProviderName
	var i store.Identity
	switch {
	case in.DeveloperUserIdentifier != "":
		if dev == "" {
			return nil, awserr.Newf(awserr.ResourceNotFound, "Developer user identifier '%s' not found.", in.DeveloperUserIdentifier)
		}
		i, err = s.store.FindIdentityByLogin(ctx, pool.IdentityPoolId, dev, in.DeveloperUserIdentifier)
		if err != nil {
			return nil, storeErr(err, awserr.Newf(awserr.ResourceNotFound, "Developer user identifier '%s' not found.", in.DeveloperUserIdentifier))
		}
		if in.IdentityId != "" && in.IdentityId != i.ID {
			return nil, awserr.New(awserr.ResourceNotFound, "The developer user identifier does not belong to this identity.")
		}
	case in.IdentityId != "":
		if i, err = s.loadIdentity(ctx, in.IdentityId); err != nil {
			return nil, err
		}
		if i.PoolID != pool.IdentityPoolId {
			return nil, identityNotFound(in.IdentityId)
		}
	default:
		return nil, invalidParameter("Either IdentityId or DeveloperUserIdentifier is required.")
	}
	out := &LookupDeveloperIdentityOutput{IdentityId: i.ID, DeveloperUserIdentifierList: []string{}}
	if user, ok := i.Logins[dev]; ok && dev != "" {
		out.DeveloperUserIdentifierList = append(out.DeveloperUserIdentifierList, user)
	}
	return out, nil
}

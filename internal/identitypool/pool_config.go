package identitypool

import (
	"encoding/json"
	"fmt"

	"github.com/moat-dev/moat/internal/oidcjwt"
	"github.com/moat-dev/moat/internal/store"
)

const (
	maxLoginProviders = 10
	maxPoolTags       = 50
)

// validate checks a pool as CreateIdentityPool and UpdateIdentityPool receive it.
func (s *Service) validate(p *IdentityPool) error {
	if err := poolNameMember.check(p.IdentityPoolName, "", true); err != nil {
		return err
	}
	if err := developerMember.check(p.DeveloperProviderName, "", false); err != nil {
		return err
	}
	if p.DeveloperProviderName == cognitoIdentityKey {
		return invalidParameter("DeveloperProviderName cannot be %s.", cognitoIdentityKey)
	}
	if len(p.SupportedLoginProviders) > maxLoginProviders {
		return constraintViolated("Value at 'supportedLoginProviders' failed to satisfy constraint: Member must have length less than or equal to %d", maxLoginProviders)
	}
	if err := checkMapEntries("supportedLoginProviders", p.SupportedLoginProviders, 128, 128); err != nil {
		return err
	}
	for key := range p.SupportedLoginProviders {
		if !oidcjwt.HTTPURL(issuerOf(key)) {
			return invalidParameter("Invalid SupportedLoginProviders key %q: expected an OpenID Connect issuer, as a host or an http(s) URL.", key)
		}
		if _, ok := s.userPoolOf(key); ok || key == p.DeveloperProviderName {
			return invalidParameter("SupportedLoginProviders key %q names a Cognito user pool or the developer provider; use CognitoIdentityProviders or DeveloperProviderName.", key)
		}
	}
	for i, cp := range p.CognitoIdentityProviders {
		at := fmt.Sprintf("cognitoIdentityProviders.%d.member.", i+1)
		if err := providerNameMember.check(cp.ProviderName, at+"providerName", true); err != nil {
			return err
		}
		if err := clientIDMember.check(cp.ClientId, at+"clientId", true); err != nil {
			return err
		}
		if _, ok := s.userPoolOf(cp.ProviderName); !ok {
			return invalidParameter("Invalid Cognito Identity Provider name %q: expected cognito-idp.<region>.amazonaws.com/<userPoolId> or %s/<userPoolId>.", cp.ProviderName, s.issuerHost)
		}
		for _, earlier := range p.CognitoIdentityProviders[:i] {
			if earlier.ProviderName == cp.ProviderName && earlier.ClientId == cp.ClientId {
				return invalidParameter("Duplicate CognitoIdentityProviders entry %s with client %s.", cp.ProviderName, cp.ClientId)
			}
		}
	}
	if len(p.IdentityPoolTags) > maxPoolTags {
		return constraintViolated("Value at 'identityPoolTags' failed to satisfy constraint: Member must have length less than or equal to %d", maxPoolTags)
	}
	return nil
}

// config decodes the pool's stored configuration, with its ID and name.
func config(sp store.IdentityPool) (*IdentityPool, error) {
	var p IdentityPool
	if len(sp.Config) > 0 {
		if err := json.Unmarshal(sp.Config, &p); err != nil {
			return nil, fmt.Errorf("identity pool %s: stored config: %w", sp.ID, err)
		}
	}
	p.IdentityPoolId, p.IdentityPoolName = sp.ID, sp.Name
	return &p, nil
}

// encodeConfig is the stored form of a pool: everything but ID and name,
// which the store keeps as columns.
func encodeConfig(p IdentityPool) []byte {
	p.IdentityPoolId, p.IdentityPoolName = "", ""
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // plain strings, bools, slices and maps always encode
	}
	return b
}

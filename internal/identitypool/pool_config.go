package identitypool

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/moat-dev/moat/internal/oidcjwt"
	"github.com/moat-dev/moat/internal/store"
)

// Patterns and limits of the model's members.
var (
	poolNamePattern     = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)
	developerPattern    = regexp.MustCompile(`^[\w._-]{1,128}$`)
	providerNamePattern = regexp.MustCompile(`^[\w._:/-]{1,128}$`)
	clientIDPattern     = regexp.MustCompile(`^[\w_]{1,128}$`)
)

const (
	maxLoginProviders = 10
	maxPoolTags       = 50
)

// validate checks a pool as CreateIdentityPool and UpdateIdentityPool receive it.
func (s *Service) validate(p *IdentityPool) error {
	if !poolNamePattern.MatchString(p.IdentityPoolName) {
		return invalidParameter("1 validation error detected: Value '%s' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+", p.IdentityPoolName)
	}
	if p.DeveloperProviderName != "" && !developerPattern.MatchString(p.DeveloperProviderName) {
		return invalidParameter("1 validation error detected: Value '%s' at 'developerProviderName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+", p.DeveloperProviderName)
	}
	if p.DeveloperProviderName == cognitoIdentityKey {
		return invalidParameter("DeveloperProviderName cannot be %s.", cognitoIdentityKey)
	}
	if len(p.SupportedLoginProviders) > maxLoginProviders {
		return invalidParameter("1 validation error detected: Value at 'supportedLoginProviders' failed to satisfy constraint: Member must have length less than or equal to %d", maxLoginProviders)
	}
	for key, app := range p.SupportedLoginProviders {
		if key == "" || len(key) > 128 || app == "" || len(app) > 128 {
			return invalidParameter("Invalid SupportedLoginProviders entry %q: keys and values must be 1 to 128 characters.", key)
		}
		if !oidcjwt.HTTPURL(issuerOf(key)) {
			return invalidParameter("Invalid SupportedLoginProviders key %q: expected an OpenID Connect issuer, as a host or an http(s) URL.", key)
		}
		if _, ok := s.userPoolOf(key); ok || key == p.DeveloperProviderName {
			return invalidParameter("SupportedLoginProviders key %q names a Cognito user pool or the developer provider; use CognitoIdentityProviders or DeveloperProviderName.", key)
		}
	}
	for i, cp := range p.CognitoIdentityProviders {
		if !providerNamePattern.MatchString(cp.ProviderName) || !clientIDPattern.MatchString(cp.ClientId) {
			return invalidParameter("Invalid CognitoIdentityProviders[%d]: ProviderName and ClientId must be set and well-formed.", i)
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
		return invalidParameter("1 validation error detected: Value at 'identityPoolTags' failed to satisfy constraint: Member must have length less than or equal to %d", maxPoolTags)
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

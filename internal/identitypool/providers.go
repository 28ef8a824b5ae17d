package identitypool

import (
	"regexp"
	"strings"
)

// cognitoIdentityKey is the Logins key under which a client presents an
// identity-pool OpenID token (the developer-authenticated enhanced flow).
const cognitoIdentityKey = "cognito-identity.amazonaws.com"

var (
	awsProviderPattern = regexp.MustCompile(`^cognito-idp\.[a-z0-9-]+\.amazonaws\.com/([\w-]+_[0-9a-zA-Z]+)$`)
	userPoolIDPattern  = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
)

// userPoolOf returns the moat user pool a Logins key or provider name names:
// the AWS form cognito-idp.<region>.amazonaws.com/<poolId>, which Amplify and
// the SDKs build, or the issuer form <identity host>/<poolId> (with or
// without its scheme), which is the pool's iss.
func (s *Service) userPoolOf(key string) (string, bool) {
	if m := awsProviderPattern.FindStringSubmatch(key); m != nil {
		return m[1], true
	}
	for _, scheme := range []string{"https://", "http://"} {
		key = strings.TrimPrefix(key, scheme)
	}
	id, ok := strings.CutPrefix(key, s.issuerHost+"/")
	return id, ok && userPoolIDPattern.MatchString(id)
}

// providerKey is the name an identity keeps a user pool login under, one
// name whichever form of key the client sent, so the identity stays the same.
func (s *Service) providerKey(userPoolID string) string {
	return "cognito-idp." + s.region + ".amazonaws.com/" + userPoolID
}

// providerNames are the names a pool's configuration may use for a user
// pool: the canonical key and every configured ProviderName naming it.
func (s *Service) providerNames(p *IdentityPool, userPoolID string) []string {
	names := []string{s.providerKey(userPoolID)}
	for _, cp := range p.CognitoIdentityProviders {
		if id, _ := s.userPoolOf(cp.ProviderName); id == userPoolID && !contains(names, cp.ProviderName) {
			names = append(names, cp.ProviderName)
		}
	}
	return names
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

package signin

import "context"

// InboundFederation runs at every federated sign-in, before the user is
// made (and PreSignUp_ExternalProvider runs) or updated: it sees what the
// provider sent and may replace the attributes the user gets.
type InboundFederation interface {
	InboundFederation(ctx context.Context, e *FederationEvent) error
}

// ProviderAttributes are what an outside provider sent, as Cognito's
// inbound federation event carries them: for OIDC the token endpoint's
// answer, the ID token's claims and the userInfo endpoint's; for SAML the
// assertion's attributes.
type ProviderAttributes struct {
	TokenResponse map[string]string
	IDToken       map[string]string
	UserInfo      map[string]string
	SAMLResponse  map[string]string
}

// Claims are the provider's attributes as one set, which the provider's
// AttributeMapping reads: the ID token's claims first, then userInfo's
// that it lacks, or the SAML assertion's.
func (a ProviderAttributes) Claims() map[string]string {
	out := map[string]string{}
	for _, set := range []map[string]string{a.SAMLResponse, a.UserInfo, a.IDToken} {
		for k, v := range set {
			out[k] = v
		}
	}
	return out
}

// FederationEvent is one federated sign-in as the hook sees it.
type FederationEvent struct {
	Call
	Username     string // <ProviderName>_<subject>
	ProviderName string
	ProviderType string
	Attributes   ProviderAttributes
	// Set by the hook: the attributes the user gets instead of those the
	// provider's AttributeMapping gives (those it leaves out are dropped);
	// empty keeps the mapped ones.
	UserAttributesToMap map[string]string
}

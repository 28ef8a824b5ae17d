package store

import "context"

// ResourceServers are the OAuth resource servers of user pools: APIs whose
// custom scopes (<Identifier>/<scope>) app clients may be granted.
type ResourceServers interface {
	CreateResourceServer(ctx context.Context, r ResourceServer) error // ErrNotFound: no pool; ErrAlreadyExists
	GetResourceServer(ctx context.Context, poolID, identifier string) (ResourceServer, error)
	ListResourceServers(ctx context.Context, poolID string) ([]ResourceServer, error) // ordered by Identifier
	UpdateResourceServer(ctx context.Context, poolID, identifier string, update func(ResourceServer) (ResourceServer, error)) error
	DeleteResourceServer(ctx context.Context, poolID, identifier string) error
}

// ResourceServer is one resource server; Scopes is its scope list as JSON
// (owned by package userpool).
type ResourceServer struct {
	PoolID     string
	Identifier string
	Name       string
	Scopes     []byte
	CreatedAt  int64
	UpdatedAt  int64
}

// Domains are the user pools' domains, where their hosted pages and OAuth
// endpoints are served by host name. A pool has at most one prefix domain
// and one custom domain; a domain names one pool.
type Domains interface {
	// CreateDomain fails with ErrNotFound without the pool and with
	// ErrAlreadyExists when the domain is taken or the pool already has a
	// domain of its kind.
	CreateDomain(ctx context.Context, d Domain) error
	GetDomain(ctx context.Context, domain string) (Domain, error)
	ListPoolDomains(ctx context.Context, poolID string) ([]Domain, error) // ordered by Domain
	UpdateDomain(ctx context.Context, domain string, update func(Domain) (Domain, error)) error
	DeleteDomain(ctx context.Context, domain string) error
}

// Domain is one pool domain. Custom is false for a prefix under moat's
// auth domain suffix; Settings is its configuration as JSON (owned by
// package userpool).
type Domain struct {
	Domain    string
	PoolID    string
	Custom    bool
	Settings  []byte
	CreatedAt int64
	UpdatedAt int64
}

// IdentityProviders are the outside identity providers (OIDC, SAML) a
// pool federates.
type IdentityProviders interface {
	CreateIdentityProvider(ctx context.Context, p IdentityProvider) error // ErrNotFound: no pool; ErrAlreadyExists
	GetIdentityProvider(ctx context.Context, poolID, name string) (IdentityProvider, error)
	ListIdentityProviders(ctx context.Context, poolID string) ([]IdentityProvider, error) // ordered by Name
	UpdateIdentityProvider(ctx context.Context, poolID, name string, update func(IdentityProvider) (IdentityProvider, error)) error
	DeleteIdentityProvider(ctx context.Context, poolID, name string) error
}

// IdentityProvider is one federated provider. Details (its
// ProviderDetails as JSON, a client secret among them) is sealed at rest;
// Mapping and Identifiers are JSON owned by package userpool.
type IdentityProvider struct {
	PoolID      string
	Name        string
	Type        string
	Details     string
	Mapping     []byte
	Identifiers []byte
	CreatedAt   int64
	UpdatedAt   int64
}

// UICustomizations are the hosted pages' CSS and logo, per pool (ClientID
// "ALL") or per app client.
type UICustomizations interface {
	// PutUICustomization creates or replaces one; ErrNotFound without the pool.
	PutUICustomization(ctx context.Context, c UICustomization) error
	GetUICustomization(ctx context.Context, poolID, clientID string) (UICustomization, error)
}

// UICustomization is the hosted pages' look for a pool or one client.
type UICustomization struct {
	PoolID    string
	ClientID  string // "ALL" for the pool's default
	CSS       string
	Image     []byte // PNG or JPEG; nil for none
	CreatedAt int64
	UpdatedAt int64
}

// ProviderLinks tie an outside provider's user to an existing pool user
// (AdminLinkProviderForUser): that identity then signs in as the user.
type ProviderLinks interface {
	// CreateProviderLink fails with ErrNotFound without the user and
	// ErrAlreadyExists when the identity is linked already.
	CreateProviderLink(ctx context.Context, l ProviderLink) error
	GetProviderLink(ctx context.Context, poolID, provider, subject string) (ProviderLink, error)
	ListUserProviderLinks(ctx context.Context, poolID, userKey string) ([]ProviderLink, error) // ordered by Provider, then Subject
	DeleteProviderLink(ctx context.Context, poolID, provider, subject string) error
}

// ProviderLink is one linked identity: the provider's user Subject signs
// in as the pool user UserKey. A user's links go with the user.
type ProviderLink struct {
	PoolID    string
	Provider  string
	Subject   string
	UserKey   string
	CreatedAt int64
}

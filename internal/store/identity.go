package store

// IdentityPool is a Cognito identity pool. Config holds what
// CreateIdentityPool/UpdateIdentityPool describe, Roles what
// SetIdentityPoolRoles sets (roles and role mappings), PrincipalTags the
// per-provider principal tag maps; package identitypool owns their shapes.
type IdentityPool struct {
	ID            string // <region>:<uuid>
	Name          string
	Config        []byte // JSON, owned by package identitypool
	Roles         []byte // JSON, owned by package identitypool
	PrincipalTags []byte // JSON, owned by package identitypool
	CreatedAt     int64
	UpdatedAt     int64
}

// Identity is one identity of an identity pool. Logins maps each provider
// name (a login key, or a developer provider name) to the subject it knows
// the identity by; a (pool, provider, subject) belongs to one identity only.
// CredentialsRevokedAt, when set, voids every credential issued to the
// identity at or before that second.
type Identity struct {
	ID                   string // <region>:<uuid>
	PoolID               string
	Logins               map[string]string // never nil when read back
	Disabled             bool
	CredentialsRevokedAt int64
	CreatedAt            int64
	UpdatedAt            int64
}

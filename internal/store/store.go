// Package store declares everything moat keeps durably, in domain terms, and
// the one interface every backend (SQLite, PostgreSQL) implements. Read-modify-
// write goes through updater functions so each backend makes it atomic its own
// way (Dex's pattern). The conformance suite in store/conformance pins the
// behaviour every backend must show.
//
// Store is the union of small per-domain interfaces (UserPools, Users,
// Sessions, Usage, IAM, Identities, …): a consumer takes the one it uses, so
// what it can touch is visible in its constructor.
package store

import (
	"context"
	"errors"
)

// Errors every backend returns for the same conditions; callers test with errors.Is.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
)

// Store is moat's durable state. Methods are safe for concurrent use by many
// goroutines and, on PostgreSQL, by many processes.
type Store interface {
	Settings
	UserPools
	Clients
	Groups
	Users
	UserSecrets
	Passkeys
	Devices
	SigningKeys
	Sessions
	Usage
	Nonces
	IAM
	Identities
	Sweeps
	WAF
	ResourceServers
	Domains
	IdentityProviders
	UICustomizations
	ProviderLinks
	Events
	Leases
	Functions
	UserImports

	// Atomic runs fn in one transaction spanning every aggregate: what fn
	// does through tx lands together when fn returns nil and not at all when
	// it returns an error (which Atomic returns as it was). Inside fn use tx
	// only: the outer Store waits for the transaction to end. Updaters stay
	// atomic inside fn; an Atomic called on tx joins the outer transaction
	// (a failing inner call undoes only its own part).
	Atomic(ctx context.Context, fn func(tx Store) error) error

	Close() error
}

// Settings are small named values moat owns (admin credentials, server keys).
type Settings interface {
	GetSetting(ctx context.Context, name string) (string, error)
	// PutSettingIfAbsent stores value under name unless a value exists, and
	// returns the value in force either way, so concurrent first starts agree.
	PutSettingIfAbsent(ctx context.Context, name, value string) (string, error)
}

// UserPools are Cognito user pools themselves.
type UserPools interface {
	CreateUserPool(ctx context.Context, p UserPool) error
	GetUserPool(ctx context.Context, id string) (UserPool, error)
	ListUserPools(ctx context.Context) ([]UserPool, error) // ordered by ID
	UpdateUserPool(ctx context.Context, id string, update func(UserPool) (UserPool, error)) error
	// DeleteUserPool removes the pool and everything in it (clients, groups,
	// users, memberships, keys, refresh tokens).
	DeleteUserPool(ctx context.Context, id string) error
}

// Clients are the app clients of user pools.
type Clients interface {
	CreateClient(ctx context.Context, c Client) error
	GetClient(ctx context.Context, poolID, clientID string) (Client, error)
	// FindClient finds a client by ID alone, for public operations that name only a ClientId.
	FindClient(ctx context.Context, clientID string) (Client, error)
	ListClients(ctx context.Context, poolID string) ([]Client, error) // ordered by ID
	UpdateClient(ctx context.Context, poolID, clientID string, update func(Client) (Client, error)) error
	DeleteClient(ctx context.Context, poolID, clientID string) error
}

// Groups are user-pool groups.
type Groups interface {
	CreateGroup(ctx context.Context, g Group) error
	GetGroup(ctx context.Context, poolID, name string) (Group, error)
	ListGroups(ctx context.Context, poolID string) ([]Group, error) // ordered by Name
	UpdateGroup(ctx context.Context, poolID, name string, update func(Group) (Group, error)) error
	DeleteGroup(ctx context.Context, poolID, name string) error // also drops memberships
}

// Users are user-pool users and their group memberships.
type Users interface {
	UserReads
	UserWrites
}

// UserReads find users and memberships.
type UserReads interface {
	// Users are keyed by (PoolID, Key); Key is the username as the pool compares
	// it (lower-cased when the pool is case-insensitive). Sub is unique per pool.
	GetUser(ctx context.Context, poolID, key string) (User, error)
	GetUserBySub(ctx context.Context, poolID, sub string) (User, error)
	// FindUsersByAttribute returns the users whose attribute name equals value
	// exactly (alias sign-in: email, phone_number, preferred_username).
	FindUsersByAttribute(ctx context.Context, poolID, name, value string) ([]User, error)
	// FindUsersByAttributeValues is FindUsersByAttribute for many values at
	// once (a bulk import checking its aliases): the users whose attribute
	// name equals one of values, in no particular order.
	FindUsersByAttributeValues(ctx context.Context, poolID, name string, values []string) ([]User, error)
	ListUsers(ctx context.Context, q UserQuery) ([]User, error)
	// CountUsers is how many users the pool has (ErrNotFound: no such pool),
	// without reading them.
	CountUsers(ctx context.Context, poolID string) (int64, error)
	ListGroupsForUser(ctx context.Context, poolID, userKey string) ([]Group, error) // ordered by Precedence, then Name
	ListUsersInGroup(ctx context.Context, poolID, group string) ([]User, error)     // ordered by Key
}

// UserWrites change users and memberships.
type UserWrites interface {
	CreateUser(ctx context.Context, u User) error
	// CreateUsers stores, in one transaction, each of users (all of one
	// pool) whose Key and Sub are free, and returns the keys it stored: a
	// bulk import, where a taken name fails that user only. ErrNotFound: no
	// such pool (nothing is stored).
	CreateUsers(ctx context.Context, users []User) ([]string, error)
	UpdateUser(ctx context.Context, poolID, key string, update func(User) (User, error)) error
	DeleteUser(ctx context.Context, poolID, key string) error // also drops memberships and refresh tokens
	// Memberships. Adding an existing membership is not an error.
	AddUserToGroup(ctx context.Context, poolID, userKey, group string) error
	RemoveUserFromGroup(ctx context.Context, poolID, userKey, group string) error
}

// UserSecrets are a user's secrets besides the password (a TOTP key), by
// name, sealed at rest like every secret column; they go with their user.
type UserSecrets interface {
	// PutUserSecret stores or replaces a secret: ErrNotFound when the user is missing.
	PutUserSecret(ctx context.Context, s UserSecret) error
	GetUserSecret(ctx context.Context, poolID, userKey, name string) (UserSecret, error)
	DeleteUserSecret(ctx context.Context, poolID, userKey, name string) error
}

// Passkeys are the WebAuthn credentials users registered; they go with their user.
type Passkeys interface {
	// CreatePasskey fails with ErrAlreadyExists when the credential ID is
	// taken in the pool (by any user) and ErrNotFound when the user is missing.
	CreatePasskey(ctx context.Context, p Passkey) error
	ListPasskeys(ctx context.Context, poolID, userKey string) ([]Passkey, error) // ordered by CreatedAt, then ID
	UpdatePasskey(ctx context.Context, poolID, userKey, id string, update func(Passkey) (Passkey, error)) error
	DeletePasskey(ctx context.Context, poolID, userKey, id string) error
}

// Devices are the devices users signed in from (Cognito's device tracking);
// they go with their user.
type Devices interface {
	// CreateDevice fails with ErrAlreadyExists when the key is taken in the
	// pool and ErrNotFound when the user is missing.
	CreateDevice(ctx context.Context, d Device) error
	GetDevice(ctx context.Context, poolID, userKey, key string) (Device, error)
	ListDevices(ctx context.Context, poolID, userKey string) ([]Device, error) // ordered by Key
	UpdateDevice(ctx context.Context, poolID, userKey, key string, update func(Device) (Device, error)) error
	DeleteDevice(ctx context.Context, poolID, userKey, key string) error
}

// SigningKeys are the keys pools sign tokens with, per pool and use ("id" or "access").
type SigningKeys interface {
	CreateSigningKey(ctx context.Context, k SigningKey) error
	ListSigningKeys(ctx context.Context, poolID string) ([]SigningKey, error) // ordered by CreatedAt, then KID
	UpdateSigningKey(ctx context.Context, poolID, kid string, update func(SigningKey) (SigningKey, error)) error
	DeleteSigningKey(ctx context.Context, poolID, kid string) error
}

// SessionLookup is the one question a token verifier asks of the store: the
// session (and so whether it was revoked) a token came from.
type SessionLookup interface {
	// GetRefreshTokenByOriginJTI finds the session an access or ID token came from.
	GetRefreshTokenByOriginJTI(ctx context.Context, poolID, originJTI string) (RefreshToken, error)
}

// Sessions are sign-in sessions, kept by the SHA-256 of the opaque refresh
// token, never the token.
type Sessions interface {
	SessionReads
	SessionWrites
}

// SessionReads find sessions.
type SessionReads interface {
	SessionLookup
	GetRefreshToken(ctx context.Context, hash string) (RefreshToken, error)
}

// SessionWrites start and end sessions.
type SessionWrites interface {
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	// RevokeRefreshToken marks one session revoked at `at` (RevokeToken; a
	// rotated-out token, at the end of its grace period); a session revoked
	// earlier keeps the earlier time.
	RevokeRefreshToken(ctx context.Context, hash string, at int64) error
	// RevokeUserRefreshTokens marks every session of a user revoked (global sign-out)
	// and returns how many were newly revoked (or revoked sooner than planned).
	RevokeUserRefreshTokens(ctx context.Context, poolID, userKey string, at int64) (int, error)
}

// Usage is API Gateway's API keys, usage plans and quotas.
type Usage interface {
	APIKeys
	UsagePlans
	UsageCounters
}

// APIKeys are API Gateway API keys.
type APIKeys interface {
	// CreateAPIKey fails with ErrAlreadyExists when the ID or the ValueHash is taken.
	CreateAPIKey(ctx context.Context, k APIKey) error
	GetAPIKey(ctx context.Context, id string) (APIKey, error)
	FindAPIKeyByValueHash(ctx context.Context, valueHash string) (APIKey, error)
	ListAPIKeys(ctx context.Context) ([]APIKey, error) // ordered by ID
	// UpdateAPIKey may change anything but ID and ValueHash (a key's value is fixed).
	UpdateAPIKey(ctx context.Context, id string, update func(APIKey) (APIKey, error)) error
	DeleteAPIKey(ctx context.Context, id string) error // also leaves every plan, counters included
}

// UsagePlans are usage plans and the keys in them.
type UsagePlans interface {
	CreateUsagePlan(ctx context.Context, p UsagePlan) error
	GetUsagePlan(ctx context.Context, id string) (UsagePlan, error)
	ListUsagePlans(ctx context.Context) ([]UsagePlan, error) // ordered by ID
	// UpdateUsagePlan fails with ErrConflict, changing nothing, when a stage it
	// adds is already covered for one of the plan's keys by another plan.
	UpdateUsagePlan(ctx context.Context, id string, update func(UsagePlan) (UsagePlan, error)) error
	DeleteUsagePlan(ctx context.Context, id string) error // also drops its keys' membership and counters

	// AddUsagePlanKey puts a key in a plan: ErrNotFound when either is
	// missing, ErrAlreadyExists when it is there, ErrConflict when another plan
	// of the key covers one of this plan's stages.
	AddUsagePlanKey(ctx context.Context, planID, keyID string) error
	RemoveUsagePlanKey(ctx context.Context, planID, keyID string) error          // also drops the key's counters in the plan
	ListUsagePlanKeys(ctx context.Context, planID string) ([]APIKey, error)      // ordered by ID
	ListUsagePlansForKey(ctx context.Context, keyID string) ([]UsagePlan, error) // ordered by ID
	// FindUsagePlanForStage is the gateway's question: which plan of this key
	// covers this API stage (ErrNotFound: none).
	FindUsagePlanForStage(ctx context.Context, keyID, apiID, stage string) (UsagePlan, error)
}

// UsageCounters are the durable quota counters of keys in plans.
type UsageCounters interface {
	// IncrementUsage counts one request atomically: when the period's count is
	// below inc.Limit it goes up by one (and so does the day's) and allowed is
	// true; otherwise nothing changes. used is the period's count afterwards.
	// ErrNotFound when the key is not in the plan.
	IncrementUsage(ctx context.Context, inc UsageIncrement) (used int64, allowed bool, err error)
	// GetUsageCount is a period's count (0 when nothing was counted).
	GetUsageCount(ctx context.Context, planID, keyID, period string) (int64, error)
	// SetUsageCount replaces a period's count (UpdateUsage); ErrNotFound when
	// the key is not in the plan.
	SetUsageCount(ctx context.Context, planID, keyID, period string, used int64) error
	// ListDailyUsage reports the plan's per-day counts from fromDay to toDay
	// inclusive, for one key or (keyID "") all, ordered by KeyID, then Day.
	ListDailyUsage(ctx context.Context, planID, keyID, fromDay, toDay string) ([]DailyUsage, error)
}

// Nonces are one-time values.
type Nonces interface {
	// ConsumeNonce marks a one-time value (a wallet sign-in nonce) used: fresh
	// is true only for the first call with that scope and nonce. Records go
	// away once expiresAt (Unix seconds) has passed.
	ConsumeNonce(ctx context.Context, scope, nonce string, expiresAt int64) (fresh bool, err error)
}

// IAM is IAM roles. Names are unique regardless of case, as in IAM, and
// GetRole, UpdateRole and DeleteRole find a role by its name in any case.
type IAM interface {
	CreateRole(ctx context.Context, r Role) error               // ErrAlreadyExists on a taken name
	GetRole(ctx context.Context, name string) (Role, error)     // ErrNotFound
	GetRoleByARN(ctx context.Context, arn string) (Role, error) // ErrNotFound
	ListRoles(ctx context.Context) ([]Role, error)              // ordered by Name
	// UpdateRole may change anything but Name, ARN and ID.
	UpdateRole(ctx context.Context, name string, update func(Role) (Role, error)) error
	DeleteRole(ctx context.Context, name string) error
}

// Identities is Cognito identity pools and their identities.
type Identities interface {
	// Identity pools. Deleting a pool deletes its identities.
	CreateIdentityPool(ctx context.Context, p IdentityPool) error // ErrAlreadyExists on a taken ID
	GetIdentityPool(ctx context.Context, id string) (IdentityPool, error)
	ListIdentityPools(ctx context.Context) ([]IdentityPool, error) // ordered by ID
	UpdateIdentityPool(ctx context.Context, id string, update func(IdentityPool) (IdentityPool, error)) error
	DeleteIdentityPool(ctx context.Context, id string) error

	// CreateIdentity stores a new identity with its logins: ErrNotFound when
	// the pool is missing, ErrAlreadyExists when the ID or a login is taken.
	CreateIdentity(ctx context.Context, i Identity) error
	GetIdentity(ctx context.Context, id string) (Identity, error)
	// FindIdentityByLogin is the identity a provider's subject is linked to.
	FindIdentityByLogin(ctx context.Context, poolID, provider, subject string) (Identity, error)
	ListIdentities(ctx context.Context, poolID string) ([]Identity, error) // ordered by ID
	// UpdateIdentity may change Disabled, CredentialsRevokedAt and UpdatedAt;
	// logins change only through LinkLogins.
	UpdateIdentity(ctx context.Context, id string, update func(Identity) (Identity, error)) error
	// LinkLogins gives the identity every login in logins, atomically. A
	// login linked to another identity of the pool merges that identity into
	// this one: all its logins move here and it is disabled. ErrConflict,
	// changing nothing, when the identity already has a different subject for
	// one of the providers; ErrNotFound when it does not exist. It returns
	// the identity as it is afterwards.
	LinkLogins(ctx context.Context, identityID string, logins map[string]string, now int64) (Identity, error)
}

// Sweeps removes records nothing can use any more.
type Sweeps interface {
	// SweepExpired deletes the sessions that expired before sessionsBefore
	// and the nonces that expired before noncesBefore (Unix seconds). It is
	// idempotent, so replicas sharing a database may all run it.
	SweepExpired(ctx context.Context, sessionsBefore, noncesBefore int64) (Swept, error)
}

// Swept counts what one SweepExpired removed.
type Swept struct {
	Sessions, Nonces int64
}

package store

// Times are Unix seconds (UTC) throughout: Cognito speaks epoch seconds and
// every backend stores an integer without time-zone surprises.

// UserPool is a Cognito user pool. Settings holds the pool's configuration as
// the Cognito API describes it (the domain package owns its shape); the store
// keeps it as one JSON document.
type UserPool struct {
	ID        string
	Name      string
	Settings  []byte // JSON, owned by package userpool
	CreatedAt int64
	UpdatedAt int64
}

// Client is an app client of a pool. Secret is empty for public clients.
type Client struct {
	PoolID    string
	ID        string
	Name      string
	Secret    string
	Settings  []byte // JSON, owned by package userpool
	CreatedAt int64
	UpdatedAt int64
}

// Group is a pool group; Precedence orders a user's groups (lower wins).
type Group struct {
	PoolID      string
	Name        string
	Description string
	RoleARN     string
	Precedence  *int64
	CreatedAt   int64
	UpdatedAt   int64
}

// User is one pool user. Attributes holds every user attribute by name
// (sub, email, email_verified, custom:…), values as Cognito transmits them: strings.
type User struct {
	PoolID       string
	Key          string // username as compared by the pool (see Store)
	Username     string // username as created
	Sub          string
	Status       string // UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, …
	Enabled      bool
	PasswordHash string // PHC-formatted argon2id; empty when the user has no password
	Attributes   map[string]string
	// State is the domain's bookkeeping that needs no index (pending codes,
	// failed sign-in counters, temporary-password expiry, MFA settings), as JSON.
	State     []byte
	CreatedAt int64
	UpdatedAt int64
}

// UserSecret is one named secret of a user (the user pool owns the names).
type UserSecret struct {
	PoolID    string
	UserKey   string
	Name      string
	Value     string // sealed at rest
	UpdatedAt int64
}

// Passkey is a WebAuthn credential of a user. Record is the credential as
// the user pool keeps it (public key, sign counter, flags, transports), as JSON.
type Passkey struct {
	PoolID         string
	UserKey        string
	ID             string // the credential ID, base64url
	RelyingPartyID string
	Name           string
	Record         []byte
	CreatedAt      int64
}

// Device is a device a user signed in from. Record is what the user pool
// keeps of it (its name, SRP verifier, remembered status, last address), as JSON.
type Device struct {
	PoolID              string
	UserKey             string
	Key                 string // DeviceKey
	GroupKey            string // DeviceGroupKey
	Record              []byte
	CreatedAt           int64
	UpdatedAt           int64
	LastAuthenticatedAt int64
}

// UserQuery selects users of one pool, ordered by Key, for ListUsers.
type UserQuery struct {
	PoolID string
	// Filter, when Attribute is set, keeps users whose attribute equals Value
	// (or starts with it when Prefix). The pseudo-attributes "username",
	// "status" ("Enabled"/"Disabled") and "cognito:user_status" match columns.
	Attribute string
	Value     string
	Prefix    bool
	// AfterKey (with AfterValue, when filtered on a value) is the exclusive
	// lower bound of the page: users list by key, or, filtered on an
	// attribute, "username" or "cognito:user_status", by that value, then key.
	AfterKey   string
	AfterValue string
	Limit      int // 0 means no limit
}

// SigningKey is an RSA key a pool signs tokens with. Use is "id" or "access"
// (Cognito signs the two token kinds with different keys). A key stops
// signing when RetiredAt is set and stays in the JWKS until it is deleted.
type SigningKey struct {
	PoolID     string
	KID        string
	Use        string
	Algorithm  string // RS256
	PrivatePEM string // PKCS#8
	CreatedAt  int64
	RetiredAt  int64 // 0 while active
}

// RefreshToken is one sign-in session.
type RefreshToken struct {
	Hash      string // hex SHA-256 of the opaque token
	PoolID    string
	ClientID  string
	UserKey   string
	OriginJTI string // shared by every ID and access token the session mints
	AuthTime  int64
	CreatedAt int64
	ExpiresAt int64
	RevokedAt int64 // 0 while valid; a rotated-out token's is in the future, when its grace period ends
	// Scopes are the OAuth scopes the session was granted, space-separated;
	// empty for a session of the user-pool API.
	Scopes string
}

// RevokedBy reports whether the session is revoked at now (Unix seconds).
func (t RefreshToken) RevokedBy(now int64) bool { return t.RevokedAt != 0 && t.RevokedAt <= now }

package signin

import (
	"context"
	"net/netip"
)

// Hooks are the points of sign-up and sign-in where a pool's triggers
// attach (Cognito's PreSignUp, PreAuthentication, PostAuthentication,
// PreTokenGeneration, UserMigration and the custom challenge loop). Each is optional: a nil hook is
// not called. A hook's error fails the operation; an awserr error reaches
// the client as it is, any other is an internal error.
type Hooks struct {
	PreSignUp          PreSignUp
	PreAuthentication  PreAuthentication
	PostAuthentication PostAuthentication
	PreTokenGeneration PreTokenGeneration
	UserMigration      UserMigration
	CustomAuth         CustomAuthLoop
}

// Call is what every hook is told: where the call came from, for which
// pool and client, and the caller's ClientMetadata.
type Call struct {
	PoolID         string
	ClientID       string
	Caller         netip.Addr
	ClientMetadata map[string]string
}

// PreSignUp runs before SignUp creates the user; it may refuse the user, or
// confirm it and verify its email at once.
type PreSignUp interface {
	PreSignUp(ctx context.Context, e *PreSignUpEvent) error
}

type PreSignUpEvent struct {
	Call
	Username       string
	UserAttributes map[string]string
	ValidationData map[string]string
	// Set by the hook.
	AutoConfirmUser bool
	AutoVerifyEmail bool
}

// PreAuthentication runs before a password (or SRP proof) is checked; its
// error denies the sign-in.
type PreAuthentication interface {
	PreAuthentication(ctx context.Context, e *AuthenticationEvent) error
}

// PostAuthentication runs after a sign-in succeeded, before tokens are
// issued; its error fails the call.
type PostAuthentication interface {
	PostAuthentication(ctx context.Context, e *AuthenticationEvent) error
}

type AuthenticationEvent struct {
	Call
	Flow           AuthFlow
	Username       string
	UserAttributes map[string]string
}

// TokenSource is why tokens are being minted (Cognito's triggerSource).
type TokenSource string

const (
	TokensForAuthentication TokenSource = "TokenGeneration_Authentication"
	TokensForNewPassword    TokenSource = "TokenGeneration_NewPasswordChallenge"
	TokensForRefresh        TokenSource = "TokenGeneration_RefreshTokens"
	TokensForHostedAuth     TokenSource = "TokenGeneration_HostedAuth"
)

// PreTokenGeneration runs before ID and access tokens are signed; it may add
// or override ID-token claims and suppress others (Cognito's V1 event).
// Claims Cognito keeps immutable cannot be changed.
type PreTokenGeneration interface {
	PreTokenGeneration(ctx context.Context, e *TokenGenerationEvent) error
}

type TokenGenerationEvent struct {
	Call
	Source         TokenSource
	Username       string
	UserAttributes map[string]string
	Groups         []string
	// Set by the hook.
	ClaimsToAddOrOverride map[string]string
	ClaimsToSuppress      []string
}

// UserMigration runs when a password sign-in names a user the pool does not
// have: the hook may vouch for the username and password (from a legacy
// store), and the user is created and signed in.
type UserMigration interface {
	MigrateUser(ctx context.Context, e *MigrationEvent) (*MigratedUser, error)
}

type MigrationEvent struct {
	Call
	Username string
	Password string
}

// MigratedUser is a user a migration hook vouches for; nil means not found.
type MigratedUser struct {
	UserAttributes map[string]string
	// FinalStatus is Confirmed or ResetRequired.
	FinalStatus UserStatus
}

// CustomAuthLoop answers the steps of Cognito's custom challenge loop
// (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse).
// For the pools it serves, CUSTOM_AUTH runs it instead of the built-in
// wallet sign-in.
type CustomAuthLoop interface {
	// ServesPool reports whether the pool has these triggers.
	ServesPool(poolID string) bool
	DefineAuthChallenge(ctx context.Context, e *DefineAuthChallengeEvent) error
	CreateAuthChallenge(ctx context.Context, e *CreateAuthChallengeEvent) error
	VerifyAuthChallengeResponse(ctx context.Context, e *VerifyAuthChallengeEvent) error
}

// ChallengeResult is one round of the loop so far.
type ChallengeResult struct {
	ChallengeName     ChallengeName
	ChallengeResult   bool
	ChallengeMetadata string
}

// CustomAuthUser is who the loop is for; UserNotFound when the pool has no
// such user and the client hides that (the loop must then fail).
type CustomAuthUser struct {
	Call
	Username       string
	UserAttributes map[string]string
	UserNotFound   bool
}

type DefineAuthChallengeEvent struct {
	CustomAuthUser
	Session []ChallengeResult
	// Set by the hook: the next challenge, or tokens, or failure.
	ChallengeName      ChallengeName
	IssueTokens        bool
	FailAuthentication bool
}

type CreateAuthChallengeEvent struct {
	CustomAuthUser
	ChallengeName ChallengeName
	Session       []ChallengeResult
	// Set by the hook: what the client sees, what only Verify sees, and
	// what the round records in the session.
	PublicChallengeParameters  map[string]string
	PrivateChallengeParameters map[string]string
	ChallengeMetadata          string
}

type VerifyAuthChallengeEvent struct {
	CustomAuthUser
	PrivateChallengeParameters map[string]string
	ChallengeAnswer            string
	// Set by the hook.
	AnswerCorrect bool
}

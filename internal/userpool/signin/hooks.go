package signin

import (
	"context"
	"net/netip"
)

// Hooks are the points of sign-up and sign-in where a pool's triggers
// attach (Cognito's PreSignUp, PostConfirmation, PreAuthentication,
// PostAuthentication, PreTokenGeneration, UserMigration, CustomMessage,
// the custom challenge loop and InboundFederation). Each is optional: a nil hook is not called. A hook's error fails the operation; an awserr error reaches
// the client as it is, any other is an internal error.
type Hooks struct {
	PreSignUp          PreSignUp
	PostConfirmation   PostConfirmation
	PreAuthentication  PreAuthentication
	PostAuthentication PostAuthentication
	PreTokenGeneration PreTokenGeneration
	UserMigration      UserMigration
	CustomMessage      CustomMessage
	CustomAuth         CustomAuthLoop
	InboundFederation  InboundFederation
	CustomSender       CustomSender
}

// Call is what every hook is told: where the call came from, for which
// pool and client (none for admin calls that name no client), the
// caller's ClientMetadata, and the pool's configured triggers.
type Call struct {
	PoolID         string
	ClientID       string
	Caller         netip.Addr
	ClientMetadata map[string]string
	Triggers       *LambdaConfig
}

// PreSignUp runs before SignUp creates the user; it may refuse the user, or
// confirm it and verify its email at once.
type PreSignUp interface {
	PreSignUp(ctx context.Context, e *PreSignUpEvent) error
}

// PreSignUpSource is which call creates the user (Cognito's triggerSource).
type PreSignUpSource string

const (
	SignUpBySelf     PreSignUpSource = "PreSignUp_SignUp"
	SignUpByAdmin    PreSignUpSource = "PreSignUp_AdminCreateUser"
	SignUpByProvider PreSignUpSource = "PreSignUp_ExternalProvider"
)

type PreSignUpEvent struct {
	Call
	Source         PreSignUpSource
	Username       string
	UserAttributes map[string]string
	ValidationData map[string]string
	// Set by the hook; ignored for SignUpByAdmin, as in Cognito.
	AutoConfirmUser bool
	AutoVerifyEmail bool
	AutoVerifyPhone bool
}

// PostConfirmation runs after a user is confirmed (by code, by an admin, by
// a PreSignUp hook) or has reset a password; its error fails the call.
type PostConfirmation interface {
	PostConfirmation(ctx context.Context, e *ConfirmationEvent) error
}

// ConfirmationSource is Cognito's PostConfirmation triggerSource.
type ConfirmationSource string

const (
	ConfirmedSignUp         ConfirmationSource = "PostConfirmation_ConfirmSignUp"
	ConfirmedForgotPassword ConfirmationSource = "PostConfirmation_ConfirmForgotPassword"
)

type ConfirmationEvent struct {
	Call
	Source         ConfirmationSource
	Username       string
	UserAttributes map[string]string
}

// CustomMessage runs before a code (or a temporary password) is sent: it
// may replace the message, which must still carry the placeholders.
type CustomMessage interface {
	CustomMessage(ctx context.Context, e *MessageEvent) error
}

// MessageSource is Cognito's CustomMessage triggerSource.
type MessageSource string

const (
	MessageSignUp              MessageSource = "CustomMessage_SignUp"
	MessageAdminCreateUser     MessageSource = "CustomMessage_AdminCreateUser"
	MessageResendCode          MessageSource = "CustomMessage_ResendCode"
	MessageForgotPassword      MessageSource = "CustomMessage_ForgotPassword"
	MessageUpdateUserAttribute MessageSource = "CustomMessage_UpdateUserAttribute"
	MessageVerifyUserAttribute MessageSource = "CustomMessage_VerifyUserAttribute"
	MessageAuthentication      MessageSource = "CustomMessage_Authentication"
)

// Placeholders a custom message carries for the code and the username.
const (
	CodePlaceholder     = "{####}"
	UsernamePlaceholder = "{username}"
)

type MessageEvent struct {
	Call
	Source         MessageSource
	Username       string
	UserAttributes map[string]string
	// UsernameParameter is the username placeholder, set only when the
	// message must carry it (an invitation).
	UsernameParameter string
	// Set by the hook: empty keeps the pool's message.
	EmailMessage string
	EmailSubject string
	SMSMessage   string
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
	// UserNotFound: the pool has no such user and the client hides that
	// (PreAuthentication only).
	UserNotFound bool
	// NewDevice: a device not seen before signed in (PostAuthentication).
	NewDevice bool
}

// TokenSource is why tokens are being minted (Cognito's triggerSource).
type TokenSource string

const (
	TokensForAuthentication TokenSource = "TokenGeneration_Authentication"
	TokensForNewPassword    TokenSource = "TokenGeneration_NewPasswordChallenge"
	TokensForRefresh        TokenSource = "TokenGeneration_RefreshTokens"
	TokensForHostedAuth     TokenSource = "TokenGeneration_HostedAuth"
	TokensForDevice         TokenSource = "TokenGeneration_AuthenticateDevice"
	// TokensForClientCredentials is a machine client's client_credentials
	// grant: no user, an access token only; only a V3_0 hook is told.
	TokensForClientCredentials TokenSource = "TokenGeneration_ClientCredentials"
)

// PreTokenGeneration runs before ID and access tokens are signed; it may add
// or override claims and suppress others, add and suppress access-token
// scopes, and replace the groups. Claims Cognito keeps immutable cannot be
// changed.
type PreTokenGeneration interface {
	PreTokenGeneration(ctx context.Context, e *TokenGenerationEvent) error
}

type TokenGenerationEvent struct {
	Call
	Source         TokenSource
	Username       string
	UserAttributes map[string]string
	Groups         GroupConfiguration
	Scopes         []string // the access token's
	// Set by the hook: the ID token's changes, the access token's, and
	// the groups both tokens carry instead (nil: unchanged).
	ID             ClaimChanges
	Access         ClaimChanges
	ScopesToAdd    []string
	ScopesToRemove []string
	GroupOverride  *GroupConfiguration
}

// ClaimChanges are a token hook's edits of one token's claims.
type ClaimChanges struct {
	AddOrOverride map[string]any
	Suppress      []string
}

// GroupConfiguration is the user's groups with their roles.
type GroupConfiguration struct {
	Groups        []string
	IAMRoles      []string
	PreferredRole string
}

// UserMigration runs when a password sign-in names a user the pool does not
// have: the hook may vouch for the username and password (from a legacy
// store), and the user is created and signed in.
type UserMigration interface {
	MigrateUser(ctx context.Context, e *MigrationEvent) (*MigratedUser, error)
}

// MigrationSource is Cognito's UserMigration triggerSource.
type MigrationSource string

const (
	MigrateOnSignIn         MigrationSource = "UserMigration_Authentication"
	MigrateOnForgotPassword MigrationSource = "UserMigration_ForgotPassword"
)

type MigrationEvent struct {
	Call
	Source   MigrationSource
	Username string
	Password string // none on MigrateOnForgotPassword
}

// MigratedUser is a user a migration hook vouches for; nil means not found.
type MigratedUser struct {
	UserAttributes map[string]string
	// FinalStatus is Confirmed or ResetRequired.
	FinalStatus UserStatus
	// SuppressMessage is messageAction SUPPRESS: no welcome message.
	SuppressMessage bool
	// ForceAliasCreation moves an alias another user holds to this one.
	ForceAliasCreation bool
}

// CustomAuthLoop answers the steps of Cognito's custom challenge loop
// (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse).
// For the pools it serves, CUSTOM_AUTH runs it instead of the built-in
// wallet sign-in.
type CustomAuthLoop interface {
	// Serves reports whether the call's pool has these triggers.
	Serves(c Call) bool
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

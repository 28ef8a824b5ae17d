// Package signin names the parts of a user-pool sign-in — its flows,
// challenges and user statuses — and declares the hooks where a pool's
// triggers attach. The user-pool engine calls the hooks; packages that
// implement triggers (Lambda, tests) depend on this package only.
package signin

// AuthFlow is InitiateAuth's AuthFlow.
type AuthFlow string

const (
	UserPasswordAuth      AuthFlow = "USER_PASSWORD_AUTH"
	AdminUserPasswordAuth AuthFlow = "ADMIN_USER_PASSWORD_AUTH"
	AdminNoSRPAuth        AuthFlow = "ADMIN_NO_SRP_AUTH"
	UserSRPAuth           AuthFlow = "USER_SRP_AUTH"
	RefreshTokenAuth      AuthFlow = "REFRESH_TOKEN_AUTH"
	RefreshToken          AuthFlow = "REFRESH_TOKEN"
	CustomAuth            AuthFlow = "CUSTOM_AUTH"
	UserAuth              AuthFlow = "USER_AUTH"
)

// ChallengeName is the challenge a sign-in step answers with, and that
// RespondToAuthChallenge names.
type ChallengeName string

const (
	NewPasswordRequired ChallengeName = "NEW_PASSWORD_REQUIRED"
	PasswordVerifier    ChallengeName = "PASSWORD_VERIFIER"
	SRPA                ChallengeName = "SRP_A" // a custom loop's first round, when it begins with SRP
	CustomChallenge     ChallengeName = "CUSTOM_CHALLENGE"

	// Second factors, and setting one up.
	SoftwareTokenMFA ChallengeName = "SOFTWARE_TOKEN_MFA"
	EmailOTP         ChallengeName = "EMAIL_OTP"
	SMSMFA           ChallengeName = "SMS_MFA"
	SelectMFAType    ChallengeName = "SELECT_MFA_TYPE"
	MFASetup         ChallengeName = "MFA_SETUP"

	// USER_AUTH's choice and its first factors.
	SelectChallenge ChallengeName = "SELECT_CHALLENGE"
	Password        ChallengeName = "PASSWORD"
	PasswordSRP     ChallengeName = "PASSWORD_SRP"
	SMSOTP          ChallengeName = "SMS_OTP"
	WebAuthn        ChallengeName = "WEB_AUTHN"

	// Remembered devices.
	DeviceSRPAuth          ChallengeName = "DEVICE_SRP_AUTH"
	DevicePasswordVerifier ChallengeName = "DEVICE_PASSWORD_VERIFIER"
)

// UserStatus is a user's UserStatus.
type UserStatus string

const (
	Unconfirmed         UserStatus = "UNCONFIRMED"
	Confirmed           UserStatus = "CONFIRMED"
	ForceChangePassword UserStatus = "FORCE_CHANGE_PASSWORD"
	ResetRequired       UserStatus = "RESET_REQUIRED"
)

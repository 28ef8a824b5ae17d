package cognitoproxy

// TargetPrefix is Cognito user pools' X-Amz-Target service name.
const TargetPrefix = "AWSCognitoIdentityProviderService."

// PublicOperations are the operations Cognito lets public clients call
// unsigned: authorized by an app client ID, a challenge session or the
// user's own access token. Everything else (the Admin* operations, pool and
// client management) needs IAM credentials and never passes the proxy.
var PublicOperations = []string{
	"SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword",
	"InitiateAuth", "RespondToAuthChallenge", "GetTokensFromRefreshToken", "RevokeToken",
	"GetUser", "UpdateUserAttributes", "DeleteUserAttributes", "GetUserAttributeVerificationCode",
	"VerifyUserAttribute", "ChangePassword", "GlobalSignOut", "DeleteUser",
	"SetUserMFAPreference", "SetUserSettings", "AssociateSoftwareToken", "VerifySoftwareToken",
	"ConfirmDevice", "GetDevice", "ListDevices", "UpdateDeviceStatus", "ForgetDevice",
	"StartWebAuthnRegistration", "CompleteWebAuthnRegistration", "ListWebAuthnCredentials",
	"DeleteWebAuthnCredential", "GetUserAuthFactors",
}

// userOperations name the user in a top-level Username and take the
// secret hash as SecretHash.
var userOperations = map[string]bool{
	"SignUp": true, "ConfirmSignUp": true, "ResendConfirmationCode": true,
	"ForgotPassword": true, "ConfirmForgotPassword": true,
}

// clientOperations name an app client (ClientId): the client must be one
// the proxy serves.
var clientOperations = map[string]bool{
	"SignUp": true, "ConfirmSignUp": true, "ResendConfirmationCode": true, "ForgotPassword": true,
	"ConfirmForgotPassword": true, "InitiateAuth": true, "RespondToAuthChallenge": true,
	"GetTokensFromRefreshToken": true, "RevokeToken": true,
}

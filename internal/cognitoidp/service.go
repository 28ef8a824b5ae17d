// Package cognitoidp puts the user-pool domain on the wire: the table of
// Cognito Identity Provider operations, which of them need an admin
// signature, and the handler each calls, and the one request of Cognito's
// that is not an operation: the upload of a user import file to its
// PreSignedUrl.
package cognitoidp

import (
	"context"
	"net/netip"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/userpool"
)

// SigningName is the SigV4 service name of Cognito user pools.
const SigningName = "cognito-idp"

// Service returns the AWSCognitoIdentityProviderService API backed by pools.
func Service(pools *userpool.Service) awsapi.Service {
	const signed, public = true, false
	return awsapi.Service{
		TargetPrefix: "AWSCognitoIdentityProviderService",
		SigningName:  SigningName,
		Operations: []awsapi.Operation{
			// Pools, clients and groups: the control plane.
			awsapi.Op("CreateUserPool", signed, pools.CreateUserPool),
			awsapi.Op("DescribeUserPool", signed, pools.DescribeUserPool),
			awsapi.Op("AddCustomAttributes", signed, pools.AddCustomAttributes),
			awsapi.Op("UpdateUserPool", signed, pools.UpdateUserPool),
			awsapi.Op("DeleteUserPool", signed, pools.DeleteUserPool),
			awsapi.Op("ListUserPools", signed, pools.ListUserPools),
			awsapi.Op("CreateUserPoolClient", signed, pools.CreateUserPoolClient),
			awsapi.Op("DescribeUserPoolClient", signed, pools.DescribeUserPoolClient),
			awsapi.Op("UpdateUserPoolClient", signed, pools.UpdateUserPoolClient),
			awsapi.Op("DeleteUserPoolClient", signed, pools.DeleteUserPoolClient),
			awsapi.Op("ListUserPoolClients", signed, pools.ListUserPoolClients),
			awsapi.Op("CreateGroup", signed, pools.CreateGroup),
			awsapi.Op("GetGroup", signed, pools.GetGroup),
			awsapi.Op("UpdateGroup", signed, pools.UpdateGroup),
			awsapi.Op("DeleteGroup", signed, pools.DeleteGroup),
			awsapi.Op("ListGroups", signed, pools.ListGroups),

			// OAuth: resource servers and their custom scopes.
			awsapi.Op("CreateResourceServer", signed, pools.CreateResourceServer),
			awsapi.Op("DescribeResourceServer", signed, pools.DescribeResourceServer),
			awsapi.Op("UpdateResourceServer", signed, pools.UpdateResourceServer),
			awsapi.Op("DeleteResourceServer", signed, pools.DeleteResourceServer),
			awsapi.Op("ListResourceServers", signed, pools.ListResourceServers),

			// OAuth: the domains the hosted pages and endpoints answer on.
			awsapi.Op("CreateUserPoolDomain", signed, pools.CreateUserPoolDomain),
			awsapi.Op("DescribeUserPoolDomain", signed, pools.DescribeUserPoolDomain),
			awsapi.Op("UpdateUserPoolDomain", signed, pools.UpdateUserPoolDomain),
			awsapi.Op("DeleteUserPoolDomain", signed, pools.DeleteUserPoolDomain),

			// OAuth: federated identity providers.
			awsapi.Op("CreateIdentityProvider", signed, pools.CreateIdentityProvider),
			awsapi.Op("DescribeIdentityProvider", signed, pools.DescribeIdentityProvider),
			awsapi.Op("UpdateIdentityProvider", signed, pools.UpdateIdentityProvider),
			awsapi.Op("DeleteIdentityProvider", signed, pools.DeleteIdentityProvider),
			awsapi.Op("ListIdentityProviders", signed, pools.ListIdentityProviders),
			awsapi.Op("GetIdentityProviderByIdentifier", signed, pools.GetIdentityProviderByIdentifier),
			awsapi.Op("AdminLinkProviderForUser", signed, pools.AdminLinkProviderForUser),
			awsapi.Op("AdminDisableProviderForUser", signed, pools.AdminDisableProviderForUser),

			// OAuth: the hosted pages' look.
			awsapi.Op("SetUICustomization", signed, pools.SetUICustomization),
			awsapi.Op("GetUICustomization", signed, pools.GetUICustomization),

			// Users, administered.
			awsapi.Op("AdminCreateUser", signed, pools.AdminCreateUser),
			awsapi.Op("AdminGetUser", signed, pools.AdminGetUser),
			awsapi.Op("AdminDeleteUser", signed, pools.AdminDeleteUser),
			awsapi.Op("AdminSetUserPassword", signed, pools.AdminSetUserPassword),
			awsapi.Op("AdminResetUserPassword", signed, pools.AdminResetUserPassword),
			awsapi.Op("AdminConfirmSignUp", signed, pools.AdminConfirmSignUp),
			awsapi.Op("AdminUpdateUserAttributes", signed, pools.AdminUpdateUserAttributes),
			awsapi.Op("AdminDeleteUserAttributes", signed, pools.AdminDeleteUserAttributes),
			awsapi.Op("AdminDisableUser", signed, pools.AdminDisableUser),
			awsapi.Op("AdminEnableUser", signed, pools.AdminEnableUser),
			awsapi.Op("AdminAddUserToGroup", signed, pools.AdminAddUserToGroup),
			awsapi.Op("AdminRemoveUserFromGroup", signed, pools.AdminRemoveUserFromGroup),
			awsapi.Op("AdminListGroupsForUser", signed, pools.AdminListGroupsForUser),
			awsapi.Op("ListUsersInGroup", signed, pools.ListUsersInGroup),
			awsapi.Op("ListUsers", signed, pools.ListUsers),
			awsapi.Op("AdminInitiateAuth", signed, fromCaller(pools.AdminInitiateAuth)),
			awsapi.Op("AdminRespondToAuthChallenge", signed, fromCaller(pools.AdminRespondToAuthChallenge)),
			awsapi.Op("AdminUserGlobalSignOut", signed, pools.AdminUserGlobalSignOut),

			// Users imported from a CSV file (the file itself is PUT to
			// the job's PreSignedUrl: import_upload.go).
			awsapi.Op("GetCSVHeader", signed, pools.GetCSVHeader),
			awsapi.Op("CreateUserImportJob", signed, pools.CreateUserImportJob),
			awsapi.Op("DescribeUserImportJob", signed, pools.DescribeUserImportJob),
			awsapi.Op("ListUserImportJobs", signed, pools.ListUserImportJobs),
			awsapi.Op("StartUserImportJob", signed, pools.StartUserImportJob),
			awsapi.Op("StopUserImportJob", signed, pools.StopUserImportJob),

			// Users themselves: sign-up, sign-in, recovery and their own profile.
			awsapi.Op("SignUp", public, fromCaller(pools.SignUp)),
			awsapi.Op("ConfirmSignUp", public, pools.ConfirmSignUp),
			awsapi.Op("ResendConfirmationCode", public, pools.ResendConfirmationCode),
			awsapi.Op("InitiateAuth", public, fromCaller(pools.InitiateAuth)),
			awsapi.Op("GetTokensFromRefreshToken", public, fromCaller(pools.GetTokensFromRefreshToken)),
			awsapi.Op("RespondToAuthChallenge", public, fromCaller(pools.RespondToAuthChallenge)),
			awsapi.Op("ForgotPassword", public, pools.ForgotPassword),
			awsapi.Op("ConfirmForgotPassword", public, pools.ConfirmForgotPassword),
			awsapi.Op("ChangePassword", public, pools.ChangePassword),
			awsapi.Op("GetUser", public, pools.GetUser),
			awsapi.Op("GetUserAttributeVerificationCode", public, pools.GetUserAttributeVerificationCode),
			awsapi.Op("VerifyUserAttribute", public, pools.VerifyUserAttribute),
			awsapi.Op("UpdateUserAttributes", public, pools.UpdateUserAttributes),
			awsapi.Op("DeleteUserAttributes", public, pools.DeleteUserAttributes),
			awsapi.Op("GlobalSignOut", public, pools.GlobalSignOut),
			awsapi.Op("RevokeToken", public, pools.RevokeToken),
			awsapi.Op("DeleteUser", public, pools.DeleteUser),

			// Second factors, passwordless sign-in, passkeys and devices.
			awsapi.Op("SetUserPoolMfaConfig", signed, pools.SetUserPoolMfaConfig),
			awsapi.Op("GetUserPoolMfaConfig", signed, pools.GetUserPoolMfaConfig),
			awsapi.Op("AdminSetUserMFAPreference", signed, pools.AdminSetUserMFAPreference),
			awsapi.Op("AdminDeleteSoftwareToken", signed, pools.AdminDeleteSoftwareToken),
			awsapi.Op("SetUserMFAPreference", public, pools.SetUserMFAPreference),
			awsapi.Op("AssociateSoftwareToken", public, pools.AssociateSoftwareToken),
			awsapi.Op("VerifySoftwareToken", public, pools.VerifySoftwareToken),
			awsapi.Op("StartWebAuthnRegistration", public, pools.StartWebAuthnRegistration),
			awsapi.Op("CompleteWebAuthnRegistration", public, pools.CompleteWebAuthnRegistration),
			awsapi.Op("ListWebAuthnCredentials", public, pools.ListWebAuthnCredentials),
			awsapi.Op("DeleteWebAuthnCredential", public, pools.DeleteWebAuthnCredential),
			awsapi.Op("ConfirmDevice", public, pools.ConfirmDevice),
			awsapi.Op("GetDevice", public, pools.GetDevice),
			awsapi.Op("ListDevices", public, pools.ListDevices),
			awsapi.Op("UpdateDeviceStatus", public, pools.UpdateDeviceStatus),
			awsapi.Op("ForgetDevice", public, pools.ForgetDevice),
			awsapi.Op("AdminGetDevice", signed, pools.AdminGetDevice),
			awsapi.Op("AdminListDevices", signed, pools.AdminListDevices),
			awsapi.Op("AdminUpdateDeviceStatus", signed, pools.AdminUpdateDeviceStatus),
			awsapi.Op("AdminForgetDevice", signed, pools.AdminForgetDevice),
		},
	}
}

// fromCaller hands an operation that limits by source address the address
// the request came from, as an argument it cannot be called without.
func fromCaller[Req, Resp any](fn func(context.Context, netip.Addr, *Req) (*Resp, error)) func(context.Context, *Req) (*Resp, error) {
	return func(ctx context.Context, in *Req) (*Resp, error) {
		caller, _ := netip.ParseAddr(awsapi.RequestFrom(ctx).SourceIP) // invalid when absent: the domain refuses it
		return fn(ctx, caller.Unmap(), in)
	}
}

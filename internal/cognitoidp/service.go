// Package cognitoidp puts the user-pool domain on the wire: the table of
// Cognito Identity Provider operations, which of them need an admin
// signature, and the handler each calls. Nothing else lives here.
package cognitoidp

import (
	"context"

	"github.com/moat-dev/moat/internal/awsjson"
	"github.com/moat-dev/moat/internal/userpool"
)

// Service returns the AWSCognitoIdentityProviderService API backed by pools.
func Service(pools *userpool.Service) awsjson.Service {
	const signed, public = true, false
	svc := awsjson.Service{
		TargetPrefix: "AWSCognitoIdentityProviderService",
		SigningName:  "cognito-idp",
		Operations: []awsjson.Operation{
			// Pools, clients and groups: the control plane.
			awsjson.Op("CreateUserPool", signed, pools.CreateUserPool),
			awsjson.Op("DescribeUserPool", signed, pools.DescribeUserPool),
			awsjson.Op("UpdateUserPool", signed, pools.UpdateUserPool),
			awsjson.Op("DeleteUserPool", signed, pools.DeleteUserPool),
			awsjson.Op("ListUserPools", signed, pools.ListUserPools),
			awsjson.Op("CreateUserPoolClient", signed, pools.CreateUserPoolClient),
			awsjson.Op("DescribeUserPoolClient", signed, pools.DescribeUserPoolClient),
			awsjson.Op("UpdateUserPoolClient", signed, pools.UpdateUserPoolClient),
			awsjson.Op("DeleteUserPoolClient", signed, pools.DeleteUserPoolClient),
			awsjson.Op("ListUserPoolClients", signed, pools.ListUserPoolClients),
			awsjson.Op("CreateGroup", signed, pools.CreateGroup),
			awsjson.Op("GetGroup", signed, pools.GetGroup),
			awsjson.Op("UpdateGroup", signed, pools.UpdateGroup),
			awsjson.Op("DeleteGroup", signed, pools.DeleteGroup),
			awsjson.Op("ListGroups", signed, pools.ListGroups),

			// Users, administered.
			awsjson.Op("AdminCreateUser", signed, pools.AdminCreateUser),
			awsjson.Op("AdminGetUser", signed, pools.AdminGetUser),
			awsjson.Op("AdminDeleteUser", signed, pools.AdminDeleteUser),
			awsjson.Op("AdminSetUserPassword", signed, pools.AdminSetUserPassword),
			awsjson.Op("AdminConfirmSignUp", signed, pools.AdminConfirmSignUp),
			awsjson.Op("AdminUpdateUserAttributes", signed, pools.AdminUpdateUserAttributes),
			awsjson.Op("AdminDeleteUserAttributes", signed, pools.AdminDeleteUserAttributes),
			awsjson.Op("AdminDisableUser", signed, pools.AdminDisableUser),
			awsjson.Op("AdminEnableUser", signed, pools.AdminEnableUser),
			awsjson.Op("AdminAddUserToGroup", signed, pools.AdminAddUserToGroup),
			awsjson.Op("AdminRemoveUserFromGroup", signed, pools.AdminRemoveUserFromGroup),
			awsjson.Op("AdminListGroupsForUser", signed, pools.AdminListGroupsForUser),
			awsjson.Op("ListUsersInGroup", signed, pools.ListUsersInGroup),
			awsjson.Op("ListUsers", signed, pools.ListUsers),
			awsjson.Op("AdminInitiateAuth", signed, pools.AdminInitiateAuth),
			awsjson.Op("AdminRespondToAuthChallenge", signed, pools.AdminRespondToAuthChallenge),
			awsjson.Op("AdminUserGlobalSignOut", signed, pools.AdminUserGlobalSignOut),

			// Users themselves: sign-up, sign-in, recovery and their own profile.
			awsjson.Op("SignUp", public, pools.SignUp),
			awsjson.Op("ConfirmSignUp", public, pools.ConfirmSignUp),
			awsjson.Op("ResendConfirmationCode", public, pools.ResendConfirmationCode),
			awsjson.Op("InitiateAuth", public, pools.InitiateAuth),
			awsjson.Op("RespondToAuthChallenge", public, pools.RespondToAuthChallenge),
			awsjson.Op("ForgotPassword", public, pools.ForgotPassword),
			awsjson.Op("ConfirmForgotPassword", public, pools.ConfirmForgotPassword),
			awsjson.Op("ChangePassword", public, pools.ChangePassword),
			awsjson.Op("GetUser", public, pools.GetUser),
			awsjson.Op("GetUserAttributeVerificationCode", public, pools.GetUserAttributeVerificationCode),
			awsjson.Op("VerifyUserAttribute", public, pools.VerifyUserAttribute),
			awsjson.Op("UpdateUserAttributes", public, pools.UpdateUserAttributes),
			awsjson.Op("DeleteUserAttributes", public, pools.DeleteUserAttributes),
			awsjson.Op("GlobalSignOut", public, pools.GlobalSignOut),
			awsjson.Op("RevokeToken", public, pools.RevokeToken),
			awsjson.Op("DeleteUser", public, pools.DeleteUser),
		},
	}
	for i := range svc.Operations {
		svc.Operations[i].Handle = withSourceIP(svc.Operations[i].Handle)
	}
	return svc
}

// withSourceIP hands the caller's address to the domain, which rate-limits by it.
func withSourceIP(handle func(context.Context, []byte) (any, error)) func(context.Context, []byte) (any, error) {
	return func(ctx context.Context, body []byte) (any, error) {
		return handle(userpool.WithSourceIP(ctx, awsjson.RequestFrom(ctx).SourceIP), body)
	}
}

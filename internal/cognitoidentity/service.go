// Package cognitoidentity puts the identity-pool domain on the wire: the
// table of Cognito Identity operations, which of them need an admin
// signature, and the handler each calls. Nothing else lives here.
package cognitoidentity

import (
	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/identitypool"
)

// Service returns the AWSCognitoIdentityService API backed by pools.
func Service(pools *identitypool.Service) awsapi.Service {
	const signed, public = true, false
	return awsapi.Service{
		TargetPrefix: "AWSCognitoIdentityService",
		SigningName:  "cognito-identity",
		// Cognito Identity answers broken constraints as AWS's JSON services do.
		ValidationCode: identitypool.Validation,
		Operations: []awsapi.Operation{
			// Identity pools: the control plane.
			awsapi.Op("CreateIdentityPool", signed, pools.CreateIdentityPool),
			awsapi.Op("DescribeIdentityPool", signed, pools.DescribeIdentityPool),
			awsapi.Op("UpdateIdentityPool", signed, pools.UpdateIdentityPool),
			awsapi.Op("DeleteIdentityPool", signed, pools.DeleteIdentityPool),
			awsapi.Op("ListIdentityPools", signed, pools.ListIdentityPools),
			awsapi.Op("SetIdentityPoolRoles", signed, pools.SetIdentityPoolRoles),
			awsapi.Op("GetIdentityPoolRoles", signed, pools.GetIdentityPoolRoles),
			awsapi.Op("SetPrincipalTagAttributeMap", signed, pools.SetPrincipalTagAttributeMap),
			awsapi.Op("GetPrincipalTagAttributeMap", signed, pools.GetPrincipalTagAttributeMap),
			awsapi.Op("DescribeIdentity", signed, pools.DescribeIdentity),

			// Developer-authenticated identities, vouched for by a backend.
			awsapi.Op("GetOpenIdTokenForDeveloperIdentity", signed, pools.GetOpenIdTokenForDeveloperIdentity),
			awsapi.Op("LookupDeveloperIdentity", signed, pools.LookupDeveloperIdentity),

			// The data plane apps call unsigned.
			awsapi.Op("GetId", public, pools.GetId),
			awsapi.Op("GetCredentialsForIdentity", public, pools.GetCredentialsForIdentity),
			awsapi.Op("GetOpenIdToken", public, pools.GetOpenIdToken),
		},
	}
}

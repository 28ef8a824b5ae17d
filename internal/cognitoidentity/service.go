// Package cognitoidentity puts the identity-pool domain on the wire: the
// table of Cognito Identity operations, which of them need an admin
// signature, and the handler each calls. Nothing else lives here.
package cognitoidentity

import (
	"github.com/moat-dev/moat/internal/awsjson"
	"github.com/moat-dev/moat/internal/identitypool"
)

// Service returns the AWSCognitoIdentityService API backed by pools.
func Service(pools *identitypool.Service) awsjson.Service {
	const signed, public = true, false
	return awsjson.Service{
		TargetPrefix: "AWSCognitoIdentityService",
		SigningName:  "cognito-identity",
		Operations: []awsjson.Operation{
			// Identity pools: the control plane.
			awsjson.Op("CreateIdentityPool", signed, pools.CreateIdentityPool),
			awsjson.Op("DescribeIdentityPool", signed, pools.DescribeIdentityPool),
			awsjson.Op("UpdateIdentityPool", signed, pools.UpdateIdentityPool),
			awsjson.Op("DeleteIdentityPool", signed, pools.DeleteIdentityPool),
			awsjson.Op("ListIdentityPools", signed, pools.ListIdentityPools),
			awsjson.Op("SetIdentityPoolRoles", signed, pools.SetIdentityPoolRoles),
			awsjson.Op("GetIdentityPoolRoles", signed, pools.GetIdentityPoolRoles),
			awsjson.Op("SetPrincipalTagAttributeMap", signed, pools.SetPrincipalTagAttributeMap),
			awsjson.Op("GetPrincipalTagAttributeMap", signed, pools.GetPrincipalTagAttributeMap),
			awsjson.Op("DescribeIdentity", signed, pools.DescribeIdentity),

			// Developer-authenticated identities, vouched for by a backend.
			awsjson.Op("GetOpenIdTokenForDeveloperIdentity", signed, pools.GetOpenIdTokenForDeveloperIdentity),
			awsjson.Op("LookupDeveloperIdentity", signed, pools.LookupDeveloperIdentity),

			// The data plane apps call unsigned.
			awsjson.Op("GetId", public, pools.GetId),
			awsjson.Op("GetCredentialsForIdentity", public, pools.GetCredentialsForIdentity),
			awsjson.Op("GetOpenIdToken", public, pools.GetOpenIdToken),
		},
	}
}

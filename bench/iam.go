package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// benchAccount is moat's default account id, in the role ARNs it makes.
const benchAccount = "000000000000"

// identityPools talks to moat's Cognito identity-pool API.
type identityPools struct {
	url   string
	admin aws.CredentialsProvider
}

func (p identityPools) client(creds aws.CredentialsProvider) *ci.Client {
	return ci.New(ci.Options{Region: benchRegion, BaseEndpoint: aws.String(p.url), Credentials: creds})
}

// presignedGET makes an identity pool that gives users of the bench user
// pool the bench role, gets the signed-in user's temporary credentials, and
// presigns a GET of target with them for as long as they last. wrk cannot
// sign each request, so it replays this one URL: valid SigV4 within its
// window, and what the gateway verifies on every request.
func (p identityPools) presignedGET(ctx context.Context, userPoolID, clientID, idToken, target string) (string, error) {
	admin := p.client(p.admin)
	provider := "cognito-idp." + benchRegion + ".amazonaws.com/" + userPoolID
	created, err := admin.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("bench"),
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(provider), ClientId: aws.String(clientID)}}})
	if err != nil {
		return "", fmt.Errorf("CreateIdentityPool: %w", err)
	}
	if _, err := admin.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: created.IdentityPoolId,
		Roles: map[string]string{"authenticated": "arn:aws:iam::" + benchAccount + ":role/" + benchRole}}); err != nil {
		return "", fmt.Errorf("SetIdentityPoolRoles: %w", err)
	}
	public := p.client(aws.AnonymousCredentials{})
	logins := map[string]string{provider: idToken}
	id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: created.IdentityPoolId, Logins: logins})
	if err != nil {
		return "", fmt.Errorf("GetId: %w", err)
	}
	out, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		return "", fmt.Errorf("GetCredentialsForIdentity: %w", err)
	}
	c := out.Credentials
	creds := aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretKey), SessionToken: aws.ToString(c.SessionToken)}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	life := int64(time.Until(aws.ToTime(c.Expiration)) / time.Second)
	if life < 60 {
		return "", fmt.Errorf("GetCredentialsForIdentity: credentials last only %d s", life)
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.FormatInt(life, 10))
	req.URL.RawQuery = q.Encode()
	empty := sha256.Sum256(nil)
	uri, _, err := v4.NewSigner().PresignHTTP(ctx, creds, req, hex.EncodeToString(empty[:]), "execute-api", benchRegion, time.Now())
	if err != nil {
		return "", fmt.Errorf("presign: %w", err)
	}
	return uri, nil
}

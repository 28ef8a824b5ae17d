package userpool

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// Identity providers: settings moat would not act on are refused.
func TestIdentityProviderRefusals(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	oidc := map[string]string{"client_id": "c", "oidc_issuer": "https://idp.example", "authorize_scopes": "openid"}
	with := func(k, v string) map[string]string {
		d := map[string]string{}
		for key, val := range oidc {
			d[key] = val
		}
		d[k] = v
		return d
	}
	for name, in := range map[string]IdentityProviderInput{
		"Google":               {ProviderName: "Google", ProviderType: "Google", ProviderDetails: map[string]string{"client_id": "x"}},
		"POST for attributes":  {ProviderName: "Okta", ProviderType: "OIDC", ProviderDetails: with("attributes_request_method", "POST")},
		"a jwks_uri":           {ProviderName: "Okta", ProviderType: "OIDC", ProviderDetails: with("jwks_uri", "https://idp.example/keys")},
		"no openid":            {ProviderName: "Okta", ProviderType: "OIDC", ProviderDetails: with("authorize_scopes", "email")},
		"an unknown key":       {ProviderName: "Okta", ProviderType: "OIDC", ProviderDetails: with("colour", "blue")},
		"IdP-initiated SAML":   {ProviderName: "Corp", ProviderType: "SAML", ProviderDetails: map[string]string{"MetadataURL": "https://idp.example/m", "IDPInit": "true"}},
		"signed SAML requests": {ProviderName: "Corp", ProviderType: "SAML", ProviderDetails: map[string]string{"MetadataURL": "https://idp.example/m", "RequestSigningAlgorithm": "rsa-sha256"}},
		"two SAML metadata":    {ProviderName: "Corp", ProviderType: "SAML", ProviderDetails: map[string]string{"MetadataURL": "https://idp.example/m", "MetadataFile": "<x/>"}},
		"COGNITO":              {ProviderName: "COGNITO", ProviderType: "OIDC", ProviderDetails: oidc},
		"leading underscore":   {ProviderName: "_okta", ProviderType: "OIDC", ProviderDetails: oidc},
	} {
		in.UserPoolId = poolID
		if _, err := s.CreateIdentityProvider(ctx, &in); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			wantCode(t, err, awserr.InvalidParameter, "")
		}
	}
	in := IdentityProviderInput{UserPoolId: poolID, ProviderName: "Okta", ProviderType: "OIDC", ProviderDetails: oidc, IdpIdentifiers: []string{"corp"}}
	if _, err := s.CreateIdentityProvider(ctx, &in); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateIdentityProvider(ctx, &in)
	wantCode(t, err, awserr.DuplicateProvider, "")
	in.ProviderName = "Other"
	_, err = s.CreateIdentityProvider(ctx, &in)
	wantCode(t, err, awserr.InvalidParameter, "An IdP identifier is already used by another identity provider of this user pool.")
}

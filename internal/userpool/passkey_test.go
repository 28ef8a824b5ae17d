package userpool

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"

	"github.com/moat-dev/moat/internal/awserr"
)

// softAuthenticator is a passkey authenticator in software: one ES256
// credential, attestation "none", a sign counter, user verification on
// unless told otherwise.
type softAuthenticator struct {
	key     *ecdsa.PrivateKey
	id      []byte
	counter uint32
	noUV    bool
}

func newSoftAuthenticator(t *testing.T) *softAuthenticator {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softAuthenticator{key: key, id: id}
}

var b64url = base64.RawURLEncoding

func (a *softAuthenticator) flags(attested bool) byte {
	f := byte(0x01) // user present
	if !a.noUV {
		f |= 0x04
	}
	if attested {
		f |= 0x40
	}
	return f
}

func (a *softAuthenticator) authData(rpID string, attested bool) []byte {
	rpHash := sha256.Sum256([]byte(rpID))
	out := append(rpHash[:], a.flags(attested))
	out = binary.BigEndian.AppendUint32(out, a.counter)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID
		out = binary.BigEndian.AppendUint16(out, uint16(len(a.id)))
		out = append(out, a.id...)
		x, y := a.key.X.FillBytes(make([]byte, 32)), a.key.Y.FillBytes(make([]byte, 32))
		cose, _ := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		out = append(out, cose...)
	}
	return out
}

func clientData(kind, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

// create answers CredentialCreationOptions as navigator.credentials.create would.
func (a *softAuthenticator) create(t *testing.T, options json.RawMessage, origin string) json.RawMessage {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
	}
	if err := json.Unmarshal(options, &opts); err != nil {
		t.Fatal(err)
	}
	att, _ := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": a.authData(opts.RP.ID, true)})
	out, _ := json.Marshal(map[string]any{"id": b64url.EncodeToString(a.id), "rawId": b64url.EncodeToString(a.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64url.EncodeToString(clientData("webauthn.create", opts.Challenge, origin)),
			"attestationObject": b64url.EncodeToString(att), "transports": []string{"internal", "hybrid"}}})
	return out
}

// get answers CREDENTIAL_REQUEST_OPTIONS as navigator.credentials.get would.
func (a *softAuthenticator) get(t *testing.T, options, origin, userHandle string) string {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
	}
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatal(err)
	}
	a.counter++
	data := a.authData(opts.RPID, false)
	cd := clientData("webauthn.get", opts.Challenge, origin)
	cdHash := sha256.Sum256(cd)
	digest := sha256.Sum256(append(slices.Clone(data), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"id": b64url.EncodeToString(a.id), "rawId": b64url.EncodeToString(a.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64url.EncodeToString(cd), "authenticatorData": b64url.EncodeToString(data),
			"signature": b64url.EncodeToString(sig), "userHandle": b64url.EncodeToString([]byte(userHandle))}})
	return string(out)
}

func TestPasskeys(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "")
	l.confirmedUser(t, "kim")
	signedIn, err := l.signIn("kim", "First-Pass-1")
	if err != nil {
		t.Fatal(err)
	}
	access := signedIn.AuthenticationResult.AccessToken
	_, err = l.s.StartWebAuthnRegistration(ctx, &AccessTokenInput{AccessToken: access})
	wantCode(t, err, "WebAuthnNotEnabledException", "")
	if _, err := l.s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: l.poolID, PoolConfig: PoolConfig{
		Policies: &PoolPolicies{SignInPolicy: &SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "WEB_AUTHN"}}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.StartWebAuthnRegistration(ctx, &AccessTokenInput{AccessToken: access})
	wantCode(t, err, "WebAuthnConfigurationMissingException", "")
	if _, err := l.s.SetUserPoolMfaConfig(ctx, &SetUserPoolMfaConfigInput{UserPoolId: l.poolID, MfaConfigOutput: MfaConfigOutput{
		WebAuthnConfiguration: &WebAuthnConfig{RelyingPartyId: "example.com", UserVerification: "required"}}}); err != nil {
		t.Fatal(err)
	}
	c, err := l.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "passkeys",
		ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_AUTH"}}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := c.UserPoolClient.ClientId
	me, _ := l.s.AdminGetUser(ctx, &UserRef{UserPoolId: l.poolID, Username: "kim"})
	sub := attributeMap(me.UserAttributes)["sub"]

	// Registration: options as Cognito's, the answer from a page on the domain.
	auth := newSoftAuthenticator(t)
	start, err := l.s.StartWebAuthnRegistration(ctx, &AccessTokenInput{AccessToken: access})
	if err != nil {
		t.Fatal(err)
	}
	var opts struct {
		RP struct {
			ID, Name string
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Selection struct {
			ResidentKey, UserVerification string
		} `json:"authenticatorSelection"`
		Params []struct {
			Alg int `json:"alg"`
		} `json:"pubKeyCredParams"`
		Attestation string `json:"attestation"`
	}
	if err := json.Unmarshal(start.CredentialCreationOptions, &opts); err != nil || opts.RP.ID != "example.com" ||
		opts.User.ID != b64url.EncodeToString([]byte(sub)) || opts.Selection.ResidentKey != "required" ||
		opts.Selection.UserVerification != "required" || len(opts.Params) != 2 || opts.Params[0].Alg != -7 {
		t.Fatalf("creation options %s: %v", start.CredentialCreationOptions, err)
	}
	_, err = l.s.CompleteWebAuthnRegistration(ctx, &CompleteWebAuthnRegistrationInput{AccessToken: access,
		Credential: auth.create(t, start.CredentialCreationOptions, "https://evil.test")})
	wantCode(t, err, "WebAuthnOriginNotAllowedException", "")
	if _, err := l.s.CompleteWebAuthnRegistration(ctx, &CompleteWebAuthnRegistrationInput{AccessToken: access,
		Credential: auth.create(t, start.CredentialCreationOptions, "https://app.example.com")}); err != nil {
		t.Fatal(err)
	}
	_, err = l.s.CompleteWebAuthnRegistration(ctx, &CompleteWebAuthnRegistrationInput{AccessToken: access,
		Credential: auth.create(t, start.CredentialCreationOptions, "https://app.example.com")})
	wantCode(t, err, "WebAuthnChallengeNotFoundException", "")
	list, err := l.s.ListWebAuthnCredentials(ctx, &ListWebAuthnCredentialsInput{AccessToken: access})
	if err != nil || len(list.Credentials) != 1 || list.Credentials[0].CredentialId != b64url.EncodeToString(auth.id) ||
		list.Credentials[0].RelyingPartyId != "example.com" || list.Credentials[0].AuthenticatorAttachment != "platform" {
		t.Fatalf("ListWebAuthnCredentials: %+v %v", list, err)
	}

	// Sign-in with the passkey alone.
	begin := func() *AuthOutput {
		t.Helper()
		out, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_AUTH", ClientId: clientID,
			AuthParameters: map[string]string{"USERNAME": "kim", "PREFERRED_CHALLENGE": "WEB_AUTHN"}})
		if err != nil || out.ChallengeName != "WEB_AUTHN" {
			t.Fatalf("USER_AUTH preferring WEB_AUTHN: %+v %v", out, err)
		}
		return out
	}
	answer := func(out *AuthOutput, credential string) (*AuthOutput, error) {
		return l.s.RespondToAuthChallenge(ctx, testCaller, &RespondToAuthChallengeInput{ClientId: clientID, ChallengeName: "WEB_AUTHN",
			Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "kim", "CREDENTIAL": credential}})
	}
	challenge := begin()
	var request struct {
		RPID  string `json:"rpId"`
		Allow []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
		UV string `json:"userVerification"`
	}
	options := challenge.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]
	if err := json.Unmarshal([]byte(options), &request); err != nil || request.RPID != "example.com" || len(request.Allow) != 1 || request.UV != "required" {
		t.Fatalf("CREDENTIAL_REQUEST_OPTIONS %s: %v", options, err)
	}
	_, err = answer(challenge, auth.get(t, options, "https://example.org", sub))
	wantCode(t, err, "WebAuthnOriginNotAllowedException", "")
	done, err := answer(challenge, auth.get(t, options, "https://app.example.com", sub))
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("passkey sign-in: %+v %v", done, err)
	}

	// A counter that does not move on is a cloned authenticator.
	again := begin()
	auth.counter--
	_, err = answer(again, auth.get(t, again.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], "https://example.com", sub))
	wantCode(t, err, awserr.NotAuthorized, errClonedPasskey.Message)
	// User verification is required by the pool.
	auth.noUV = true
	third := begin()
	_, err = answer(third, auth.get(t, third.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], "https://example.com", sub))
	wantCode(t, err, awserr.InvalidParameter, "")
	t.Logf("without user verification: %v", err)
	auth.noUV = false
	if done, err := answer(third, auth.get(t, third.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], "https://example.com", sub)); err != nil || done.AuthenticationResult == nil {
		t.Fatalf("passkey sign-in with user verification: %+v %v", done, err)
	}

	// Deleted, the passkey is no longer offered, and a ceremony begun before fails.
	pending := begin()
	_, err = l.s.DeleteWebAuthnCredential(ctx, &DeleteWebAuthnCredentialInput{AccessToken: access, CredentialId: "nope"})
	wantCode(t, err, awserr.ResourceNotFound, "")
	if _, err := l.s.DeleteWebAuthnCredential(ctx, &DeleteWebAuthnCredentialInput{AccessToken: access, CredentialId: b64url.EncodeToString(auth.id)}); err != nil {
		t.Fatal(err)
	}
	_, err = answer(pending, auth.get(t, pending.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], "https://example.com", sub))
	wantCode(t, err, awserr.InvalidParameter, "")
	t.Logf("a deleted passkey: %v", err)
	out, err := l.s.InitiateAuth(ctx, testCaller, &InitiateAuthInput{AuthFlow: "USER_AUTH", ClientId: clientID,
		AuthParameters: map[string]string{"USERNAME": "kim", "PREFERRED_CHALLENGE": "WEB_AUTHN"}})
	if err != nil || out.ChallengeName != "SELECT_CHALLENGE" || slices.Contains(out.AvailableChallenges, "WEB_AUTHN") {
		t.Fatalf("after deleting the passkey: %+v %v", out, err)
	}
}

func TestOriginAllowed(t *testing.T) {
	for origin, want := range map[string]bool{
		"https://example.com": true, "https://auth.example.com": true, "https://auth.example.com:8443": true,
		"http://example.com": false, "https://badexample.com": false, "https://example.com.evil.test": false,
		"https://example.com/path": false, "null": false, "": false,
	} {
		if got := originAllowed("example.com", origin); got != want {
			t.Errorf("originAllowed(example.com, %q) = %v, want %v", origin, got, want)
		}
	}
	for origin, want := range map[string]bool{"http://localhost:5173": true, "https://localhost": true, "http://127.0.0.1:5173": false} {
		if got := originAllowed("localhost", origin); got != want {
			t.Errorf("originAllowed(localhost, %q) = %v, want %v", origin, got, want)
		}
	}
}

package identitypool

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

const (
	userPoolID = "us-east-1_Abc123456"
	clientID   = "client1"
	awsKey     = "cognito-idp.us-east-1.amazonaws.com/" + userPoolID
)

// signedInPool is an identity pool trusting one user pool, with roles for
// both kinds of identity whose trust policies name it.
func signedInPool(t *testing.T, f *fixture, guests bool) (poolID, authRole, guestRole string) {
	t.Helper()
	f.userPool(t, userPoolID)
	poolID = f.identityPool(t, IdentityPool{IdentityPoolName: "app", AllowUnauthenticatedIdentities: guests,
		DeveloperProviderName: "login.example", CognitoIdentityProviders: []Provider{{ProviderName: awsKey, ClientId: clientID}}})
	authRole = f.role(t, "auth-"+poolID[10:18], trustPolicy(poolID, "authenticated"))
	guestRole = f.role(t, "guest-"+poolID[10:18], trustPolicy(poolID, "unauthenticated"))
	f.setRoles(t, poolID, map[string]string{"authenticated": authRole, "unauthenticated": guestRole}, nil)
	return poolID, authRole, guestRole
}

func TestEnhancedFlow(t *testing.T) {
	f := newFixture(t)
	poolID, authRole, _ := signedInPool(t, f, false)
	token := f.idToken(t, userPoolID, clientID, "alice-sub", nil)

	id := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: token}})).IdentityId
	if !strings.HasPrefix(id, "us-east-1:") || !validID(id) {
		t.Fatalf("identity ID %q is not <region>:<uuid>", id)
	}
	// The same login, by either form of key, is the same identity.
	again := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{"moat.test/" + userPoolID: f.idToken(t, userPoolID, clientID, "alice-sub", map[string]any{"jti": "other"})}})).IdentityId
	if again != id {
		t.Fatalf("second sign-in got identity %s, want %s", again, id)
	}

	out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: map[string]string{awsKey: token}}))
	c := out.Credentials
	if !strings.HasPrefix(c.AccessKeyId, "ASIA") || c.SecretKey == "" || c.SessionToken == "" {
		t.Fatalf("credentials %+v", c)
	}
	if life := time.Until(time.Unix(int64(c.Expiration), 0)); life < 59*time.Minute || life > time.Hour+time.Second {
		t.Fatalf("credentials live %v, want 1h", life)
	}
	s := must(f.issuer.Open(ctx, c.SessionToken))
	want := []string{"authenticated", awsKey, awsKey + ":CognitoSignIn:alice-sub"}
	if s.IdentityID != id || s.IdentityPoolID != poolID || s.RoleARN != authRole || !s.Authenticated || strings.Join(s.AMR, " ") != strings.Join(want, " ") || len(s.PrincipalTags) != 0 {
		t.Fatalf("session %+v", s)
	}

	// Revocation by identity voids what was issued, and only that.
	if revoked := must(f.IsRevoked(ctx, id, s.IssuedAt)); revoked {
		t.Fatal("fresh credentials reported revoked")
	}
	if err := f.RevokeCredentials(ctx, id); err != nil {
		t.Fatal(err)
	}
	if revoked := must(f.IsRevoked(ctx, id, s.IssuedAt)); !revoked {
		t.Fatal("revoked credentials not reported revoked")
	}
	if revoked := must(f.IsRevoked(ctx, id, time.Now().Add(2*time.Second))); revoked {
		t.Fatal("credentials issued after the revocation reported revoked")
	}
	if revoked := must(f.IsRevoked(ctx, "us-east-1:00000000-0000-0000-0000-000000000000", s.IssuedAt)); !revoked {
		t.Fatal("credentials of an unknown identity not reported revoked")
	}

	// Without its login, the identity gets nothing.
	_, err := f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id})
	wantCode(t, err, awserr.NotAuthorized, errLoginsMismatch.Message)
	bob := f.idToken(t, userPoolID, clientID, "bob-sub", nil)
	_, err = f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: map[string]string{awsKey: bob}})
	wantCode(t, err, awserr.NotAuthorized, errLoginsMismatch.Message)
}

func TestLoginErrors(t *testing.T) {
	f := newFixture(t)
	poolID, _, _ := signedInPool(t, f, false)
	f.userPool(t, "us-east-1_Other1234")
	get := func(key, token string) error {
		_, err := f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{key: token}})
		return err
	}
	wantCode(t, get(awsKey, f.accessToken(t, userPoolID, clientID, "a")), awserr.NotAuthorized, errMissingAud.Message)
	wantCode(t, get("cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234", f.idToken(t, userPoolID, clientID, "a", nil)), awserr.NotAuthorized, errIssuerMismatch.Message)
	wantCode(t, get(awsKey, f.idToken(t, userPoolID, "someone-else", "a", nil)), awserr.NotAuthorized, errUnsupported.Message)
	wantCode(t, get("cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234", f.idToken(t, "us-east-1_Other1234", clientID, "a", nil)), awserr.NotAuthorized, errUnsupported.Message)
	wantCode(t, get(awsKey, f.idToken(t, userPoolID, clientID, "a", map[string]any{"exp": time.Now().Unix() - 1})), awserr.NotAuthorized, errTokenExpired.Message)
	wantCode(t, get(awsKey, "not.a.token"), awserr.NotAuthorized, errTokenInvalid.Message)
	wantCode(t, get("accounts.google.com", "x"), awserr.NotAuthorized, errUnsupported.Message)
	wantCode(t, get("login.example", "dev-user"), awserr.NotAuthorized, errUnsupported.Message)
	// Constraints of the model answer ValidationException, as AWS's JSON services do.
	wantCode(t, get(awsKey, ""), Validation, "1 validation error detected: Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]")
	wantCode(t, get(strings.Repeat("k", 129), "x"), Validation, "1 validation error detected: Value at 'logins' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
	_, err := f.GetId(ctx, &GetIdInput{IdentityPoolId: "us-east-1:00000000-0000-0000-0000-000000000000"})
	wantCode(t, err, awserr.ResourceNotFound, "IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found.")
	_, err = f.GetId(ctx, &GetIdInput{IdentityPoolId: "bad id"})
	wantCode(t, err, Validation, "1 validation error detected: Value 'bad id' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")
	_, err = f.GetId(ctx, &GetIdInput{})
	wantCode(t, err, Validation, "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null")
	_, err = f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: "us-east-1:" + strings.Repeat("0", 50)})
	wantCode(t, err, Validation, "1 validation error detected: Value 'us-east-1:"+strings.Repeat("0", 50)+"' at 'identityId' failed to satisfy constraint: Member must have length less than or equal to 55")
	if ids := must(f.st.ListIdentities(ctx, poolID)); len(ids) != 0 {
		t.Fatalf("refused logins created identities %v", ids)
	}
}

func TestServerSideTokenCheck(t *testing.T) {
	f := newFixture(t)
	f.userPool(t, userPoolID)
	check := true
	poolID := f.identityPool(t, IdentityPool{IdentityPoolName: "strict", CognitoIdentityProviders: []Provider{{ProviderName: awsKey, ClientId: clientID, ServerSideTokenCheck: &check}}})
	token := f.idToken(t, userPoolID, clientID, "alice", nil)
	get := func() error {
		_, err := f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: token}})
		return err
	}
	wantCode(t, get(), awserr.NotAuthorized, errTokenRevoked.Message) // no session behind it
	if err := f.st.CreateClient(ctx, store.Client{PoolID: userPoolID, ID: clientID, Name: "web"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateUser(ctx, store.User{PoolID: userPoolID, Key: "alice", Username: "alice", Sub: "alice", Status: "CONFIRMED", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateRefreshToken(ctx, store.RefreshToken{Hash: "h", PoolID: userPoolID, ClientID: clientID, UserKey: "alice", OriginJTI: "o-alice", ExpiresAt: time.Now().Add(time.Hour).Unix()}); err != nil {
		t.Fatal(err)
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RevokeRefreshToken(ctx, "h", time.Now().Unix()); err != nil {
		t.Fatal(err)
	}
	wantCode(t, get(), awserr.NotAuthorized, errTokenRevoked.Message)
}

func TestGuests(t *testing.T) {
	f := newFixture(t)
	poolID, _, guestRole := signedInPool(t, f, true)
	id := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID})).IdentityId
	out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id}))
	s := must(f.issuer.Open(ctx, out.Credentials.SessionToken))
	if s.Authenticated || s.RoleARN != guestRole || strings.Join(s.AMR, ",") != "unauthenticated" {
		t.Fatalf("guest session %+v", s)
	}

	// Signing in from a guest identity makes it that user's.
	token := f.idToken(t, userPoolID, clientID, "carol", nil)
	out = must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: map[string]string{awsKey: token}}))
	if out.IdentityId != id {
		t.Fatalf("guest sign-in moved to identity %s", out.IdentityId)
	}
	if got := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: token}})).IdentityId; got != id {
		t.Fatalf("GetId after guest sign-in = %s, want %s", got, id)
	}
	_, err := f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id})
	wantCode(t, err, awserr.NotAuthorized, errLoginsMismatch.Message)

	// Guests turned off: no new guests, and old guests get nothing.
	old := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID})).IdentityId
	cfg := must(f.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: poolID}))
	cfg.AllowUnauthenticatedIdentities = false
	must(f.UpdateIdentityPool(ctx, cfg))
	_, err = f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID})
	wantCode(t, err, awserr.NotAuthorized, errGuestsOff.Message)
	_, err = f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: old})
	wantCode(t, err, awserr.NotAuthorized, errGuestsOff.Message)
}

// TestGuestMergesIntoUser is the sequence aws-amplify v6 produces: a guest
// identity, sign-in from it, sign-out (a new guest), sign-in again from the
// new guest. Cognito keeps the user's identity and merges the new guest into
// it, so the identity id stays the one of the first sign-in.
func TestGuestMergesIntoUser(t *testing.T) {
	f := newFixture(t)
	poolID, authRole, _ := signedInPool(t, f, true)
	signIn := func(guest string) string {
		t.Helper()
		token := f.idToken(t, userPoolID, clientID, "frank", nil)
		out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: guest, Logins: map[string]string{awsKey: token}}))
		s := must(f.issuer.Open(ctx, out.Credentials.SessionToken))
		if s.IdentityID != out.IdentityId || !s.Authenticated || s.RoleARN != authRole {
			t.Fatalf("signed-in session %+v for identity %s", s, out.IdentityId)
		}
		return out.IdentityId
	}
	guest := func() (string, *GetCredentialsOutput) {
		t.Helper()
		id := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID})).IdentityId
		return id, must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id}))
	}

	first, _ := guest()
	user := signIn(first)
	if user != first {
		t.Fatalf("first sign-in from guest %s moved to %s; the guest identity should become the user's", first, user)
	}
	second, guestCreds := guest()
	if second == user {
		t.Fatal("a new guest session got the user's identity")
	}
	if again := signIn(second); again != user {
		t.Fatalf("second sign-in from guest %s answered identity %s, want the user's %s", second, again, user)
	}
	merged := must(f.st.GetIdentity(ctx, second))
	if !merged.Disabled || len(merged.Logins) != 0 {
		t.Fatalf("the merged guest identity %+v should be disabled, without logins", merged)
	}
	s := must(f.issuer.Open(ctx, guestCreds.Credentials.SessionToken))
	if revoked := must(f.IsRevoked(ctx, second, s.IssuedAt)); !revoked {
		t.Fatal("credentials of the merged guest identity are still good")
	}
	kept := must(f.st.GetIdentity(ctx, user))
	if kept.Disabled || len(kept.Logins) != 1 {
		t.Fatalf("the user's identity after the merge %+v", kept)
	}
	// A second device that holds the user's identity id keeps working, and
	// GetId with the login names it.
	if got := signIn(user); got != user {
		t.Fatalf("the user's own identity answered %s", got)
	}
	token := f.idToken(t, userPoolID, clientID, "frank", nil)
	if got := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: token}})).IdentityId; got != user {
		t.Fatalf("GetId with the login = %s, want %s", got, user)
	}
	// The merged guest's id is refused, as Cognito refuses disabled identities.
	_, err := f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: second, Logins: map[string]string{awsKey: token}})
	wantCode(t, err, awserr.NotAuthorized, "Identity '"+second+"' is disabled.")

	// GetId with a guest's identity-pool token and the login: the same merge.
	third, _ := guest()
	own := must(f.GetOpenIdToken(ctx, &GetOpenIdTokenInput{IdentityId: third})).Token
	got := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: token, cognitoIdentityKey: own}})).IdentityId
	if got != user {
		t.Fatalf("GetId with guest %s's token and the login = %s, want %s", third, got, user)
	}
	if !must(f.st.GetIdentity(ctx, third)).Disabled {
		t.Fatal("the guest merged through GetId is not disabled")
	}
}

func TestTrustPolicyRefusals(t *testing.T) {
	f := newFixture(t)
	poolID, authRole, _ := signedInPool(t, f, true)
	token := f.idToken(t, userPoolID, clientID, "dave", nil)
	logins := map[string]string{awsKey: token}
	id := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: logins})).IdentityId
	creds := func() error {
		_, err := f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: logins})
		return err
	}
	setAuthRole := func(arn string) {
		f.setRoles(t, poolID, map[string]string{"authenticated": arn}, nil)
	}

	otherPool := f.role(t, "other-pool", trustPolicy("us-east-1:11111111-1111-1111-1111-111111111111", "authenticated"))
	guestsOnly := f.role(t, "guests-only", trustPolicy(poolID, "unauthenticated"))
	noTagging := f.role(t, "no-tagging", strings.Replace(trustPolicy(poolID, "authenticated"), `,"sts:TagSession"`, "", 1))
	for _, arn := range []string{otherPool, guestsOnly, "arn:aws:iam::000000000000:role/missing"} {
		setAuthRole(arn)
		wantCode(t, creds(), InvalidIdentityPoolConfig, "")
	}
	setAuthRole(noTagging)
	if err := creds(); err != nil {
		t.Fatalf("untagged session refused: %v", err)
	}
	// Principal tags need sts:TagSession in the trust policy.
	yes := true
	must(f.SetPrincipalTagAttributeMap(ctx, &TagMap{IdentityPoolId: poolID, IdentityProviderName: awsKey, UseDefaults: &yes}))
	wantCode(t, creds(), InvalidIdentityPoolConfig, "")
	setAuthRole(authRole)
	out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: id, Logins: logins}))
	s := must(f.issuer.Open(ctx, out.Credentials.SessionToken))
	if s.PrincipalTags["client"] != clientID || s.PrincipalTags["username"] != "dave" {
		t.Fatalf("principal tags %v", s.PrincipalTags)
	}

	f.setRoles(t, poolID, map[string]string{}, nil)
	wantCode(t, creds(), InvalidIdentityPoolConfig, errNoRole.Message)
}

func TestMergeOnLink(t *testing.T) {
	f := newFixture(t)
	f.userPool(t, userPoolID)
	f.userPool(t, "us-east-1_Second123")
	second := "cognito-idp.us-east-1.amazonaws.com/us-east-1_Second123"
	poolID := f.identityPool(t, IdentityPool{IdentityPoolName: "two", CognitoIdentityProviders: []Provider{
		{ProviderName: awsKey, ClientId: clientID}, {ProviderName: second, ClientId: "client2"}}})
	a := f.idToken(t, userPoolID, clientID, "erin", nil)
	b := f.idToken(t, "us-east-1_Second123", "client2", "erin2", nil)
	idA := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: a}})).IdentityId
	idB := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{second: b}})).IdentityId
	if idA == idB {
		t.Fatal("two unlinked logins share an identity")
	}
	merged := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: map[string]string{awsKey: a, second: b}})).IdentityId
	if merged != idA && merged != idB {
		t.Fatalf("merge gave a third identity %s", merged)
	}
	loser := map[string]string{idA: idB, idB: idA}[merged]
	gone := must(f.st.GetIdentity(ctx, loser))
	if !gone.Disabled || len(gone.Logins) != 0 {
		t.Fatalf("merged-away identity %+v", gone)
	}
	for _, login := range []map[string]string{{awsKey: a}, {second: b}} {
		if got := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID, Logins: login})).IdentityId; got != merged {
			t.Fatalf("after merge %v gives %s, want %s", login, got, merged)
		}
	}
	_, err := f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: loser, Logins: map[string]string{awsKey: a}})
	wantCode(t, err, awserr.NotAuthorized, "Identity '"+loser+"' is disabled.")
}

func TestDeveloperIdentities(t *testing.T) {
	f := newFixture(t)
	poolID, authRole, _ := signedInPool(t, f, false)
	dev := func(in DeveloperTokenInput) (*OpenIdTokenOutput, error) {
		in.IdentityPoolId = poolID
		return f.GetOpenIdTokenForDeveloperIdentity(ctx, &in)
	}
	first := must(dev(DeveloperTokenInput{Logins: map[string]string{"login.example": "user-1"}, PrincipalTags: map[string]string{"team": "red"}}))
	again := must(dev(DeveloperTokenInput{Logins: map[string]string{"login.example": "user-1"}}))
	if first.IdentityId != again.IdentityId {
		t.Fatalf("developer user got identities %s and %s", first.IdentityId, again.IdentityId)
	}
	found := must(f.LookupDeveloperIdentity(ctx, &LookupDeveloperIdentityInput{IdentityPoolId: poolID, DeveloperUserIdentifier: "user-1"}))
	if found.IdentityId != first.IdentityId || strings.Join(found.DeveloperUserIdentifierList, ",") != "user-1" {
		t.Fatalf("lookup by user %+v", found)
	}
	found = must(f.LookupDeveloperIdentity(ctx, &LookupDeveloperIdentityInput{IdentityPoolId: poolID, IdentityId: first.IdentityId}))
	if strings.Join(found.DeveloperUserIdentifierList, ",") != "user-1" {
		t.Fatalf("lookup by identity %+v", found)
	}
	_, err := f.LookupDeveloperIdentity(ctx, &LookupDeveloperIdentityInput{IdentityPoolId: poolID, DeveloperUserIdentifier: "nobody"})
	wantCode(t, err, awserr.ResourceNotFound, "")

	// Another user cannot be linked to the first user's identity.
	_, err = dev(DeveloperTokenInput{IdentityId: first.IdentityId, Logins: map[string]string{"login.example": "user-2"}})
	wantCode(t, err, ResourceConflict, "")
	other := must(dev(DeveloperTokenInput{Logins: map[string]string{"login.example": "user-2"}}))
	_, err = dev(DeveloperTokenInput{IdentityId: first.IdentityId, Logins: map[string]string{"login.example": "user-2"}})
	wantCode(t, err, DeveloperUserAlreadyRegistered, "")
	for _, d := range []int64{0, 86401} {
		_, err = dev(DeveloperTokenInput{Logins: map[string]string{"login.example": "user-1"}, TokenDuration: &d})
		wantCode(t, err, Validation, fmt.Sprintf("1 validation error detected: Value '%d' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and 86400", d))
	}

	// The token buys credentials for its identity, not another's.
	logins := map[string]string{cognitoIdentityKey: first.Token}
	out := must(f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: first.IdentityId, Logins: logins}))
	s := must(f.issuer.Open(ctx, out.Credentials.SessionToken))
	if s.RoleARN != authRole || s.Issuer != "login.example" || s.PrincipalTags["team"] != "red" || strings.Join(s.AMR, ",") != "authenticated,login.example" {
		t.Fatalf("developer session %+v", s)
	}
	_, err = f.GetCredentialsForIdentity(ctx, &GetCredentialsInput{IdentityId: other.IdentityId, Logins: logins})
	wantCode(t, err, awserr.NotAuthorized, errLoginsMismatch.Message)
}

func TestOpenIdToken(t *testing.T) {
	f := newFixture(t)
	poolID, _, _ := signedInPool(t, f, true)
	guest := must(f.GetId(ctx, &GetIdInput{IdentityPoolId: poolID})).IdentityId
	out := must(f.GetOpenIdToken(ctx, &GetOpenIdTokenInput{IdentityId: guest}))
	c := must(f.openID.verify(out.Token, time.Now()))
	if c.Subject != guest || c.Audience != poolID || strings.Join(c.AMR, ",") != "unauthenticated" || c.Issuer != testURL+"/identity" || c.ExpiresAt-c.IssuedAt != 600 {
		t.Fatalf("guest token claims %+v", c)
	}
	if _, err := f.openID.verify(out.Token, time.Now().Add(11*time.Minute)); err != errTokenExpired {
		t.Fatalf("a token past its ten minutes: %v", err)
	}
	tampered := out.Token[:len(out.Token)-4] + "AAAA"
	if _, err := f.openID.verify(tampered, time.Now()); err != errTokenInvalid {
		t.Fatalf("a tampered token: %v", err)
	}
}

func TestPoolAdministration(t *testing.T) {
	f := newFixture(t)
	for _, bad := range []struct {
		pool          IdentityPool
		code, message string
	}{
		{IdentityPool{}, Validation, "1 validation error detected: Value null at 'identityPoolName' failed to satisfy constraint: Member must not be null"},
		{IdentityPool{IdentityPoolName: "a-b/c"}, Validation, "1 validation error detected: Value 'a-b/c' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"},
		{IdentityPool{IdentityPoolName: "x", CognitoIdentityProviders: []Provider{{ProviderName: "accounts.google.com", ClientId: "c"}}}, awserr.InvalidParameter, ""},
		{IdentityPool{IdentityPoolName: "x", CognitoIdentityProviders: []Provider{{ProviderName: awsKey}}}, Validation, "1 validation error detected: Value null at 'cognitoIdentityProviders.1.member.clientId' failed to satisfy constraint: Member must not be null"},
		{IdentityPool{IdentityPoolName: "x", SupportedLoginProviders: map[string]string{awsKey: "c"}}, awserr.InvalidParameter, ""},
		{IdentityPool{IdentityPoolName: "x", DeveloperProviderName: "bad name!"}, Validation, "1 validation error detected: Value 'bad name!' at 'developerProviderName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+"},
	} {
		_, err := f.CreateIdentityPool(ctx, &bad.pool)
		wantCode(t, err, bad.code, bad.message)
	}
	var ids []string
	for _, name := range []string{"a", "b", "c"} {
		ids = append(ids, f.identityPool(t, IdentityPool{IdentityPoolName: name, DeveloperProviderName: "dev." + name}))
	}
	page := must(f.ListIdentityPools(ctx, &ListIdentityPoolsInput{MaxResults: 2}))
	rest := must(f.ListIdentityPools(ctx, &ListIdentityPoolsInput{MaxResults: 2, NextToken: page.NextToken}))
	if len(page.IdentityPools) != 2 || page.NextToken == "" || len(rest.IdentityPools) != 1 || rest.NextToken != "" {
		t.Fatalf("pages %+v %+v", page, rest)
	}
	p := must(f.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: ids[0]}))
	p.DeveloperProviderName = "changed"
	_, err := f.UpdateIdentityPool(ctx, p)
	wantCode(t, err, awserr.InvalidParameter, "Cannot change DeveloperProviderName once it is set.")
	_, err = f.SetIdentityPoolRoles(ctx, &PoolRoles{IdentityPoolId: ids[0], Roles: map[string]string{"admin": "arn:aws:iam::0:role/x-long-enough"}})
	wantCode(t, err, awserr.InvalidParameter, "")
	_, err = f.SetIdentityPoolRoles(ctx, &PoolRoles{IdentityPoolId: ids[0], RoleMappings: map[string]RoleMapping{awsKey: {Type: "Rules", AmbiguousRoleResolution: "Deny"}}})
	wantCode(t, err, awserr.InvalidParameter, "")
	must(f.DeleteIdentityPool(ctx, &PoolIDInput{IdentityPoolId: ids[0]}))
	_, err = f.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: ids[0]})
	wantCode(t, err, awserr.ResourceNotFound, "")
}

package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

const targetPrefix = "AWSCognitoIdentityProviderService."

// errorsFixture is one pool with a client of every kind the error cases need.
type errorsFixture struct {
	poolID                              string
	public, confidential, strict, noPwd appClient
}

func TestUserPoolErrorsSDK(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	f := newErrorsFixture(t, c)

	t.Run("SDK", func(t *testing.T) { testSDKErrors(t, m, c, f) })
	t.Run("Wire", func(t *testing.T) { testWireErrors(t, m, f) })
	t.Run("No500", func(t *testing.T) { testNo500(t, m, c) })
}

func newErrorsFixture(t *testing.T, c *cip.Client) errorsFixture {
	t.Helper()
	f := errorsFixture{poolID: createPool(t, c, "errors")}
	f.public = createClient(t, c, f.poolID, false)
	f.confidential = createClient(t, c, f.poolID, true)

	strict, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId:                 &f.poolID,
		ClientName:                 aws.String("strict"),
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient strict: %v", err)
	}
	f.strict = appClient{name: "strict", ID: aws.ToString(strict.UserPoolClient.ClientId)}

	noPwd, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId:        &f.poolID,
		ClientName:        aws.String("srp-only"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient srp-only: %v", err)
	}
	f.noPwd = appClient{name: "srp-only", ID: aws.ToString(noPwd.UserPoolClient.ClientId)}

	createUser(t, c, f.poolID, "alice", "alice@example.com")
	createUser(t, c, f.poolID, "bob", "bob@example.com")
	if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: &f.poolID, Username: aws.String("bob")}); err != nil {
		t.Fatalf("AdminDisableUser: %v", err)
	}
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: &f.poolID, Username: aws.String("carol"),
		TemporaryPassword: aws.String("Temp0rary-Pass!"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatalf("AdminCreateUser carol: %v", err)
	}
	return f
}

func testSDKErrors(t *testing.T, m *Moat, c *cip.Client, f errorsFixture) {
	pwd := func(client appClient, username, password string) error {
		_, err := passwordAuth(t, c, client, username, password)
		return err
	}
	describePool := func(c *cip.Client, poolID string) error {
		_, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: &poolID})
		return err
	}

	cases := []struct {
		name  string
		err   func() error
		check func(t *testing.T, err error)
	}{
		{"wrong password", func() error { return pwd(f.public, "alice", "Wrong-Passw0rd!") },
			wantAPIError[*types.NotAuthorizedException]("Incorrect username or password.")},
		{"unknown user, LEGACY", func() error { return pwd(f.public, "nobody", testPassword) },
			wantAPIError[*types.UserNotFoundException]("User does not exist.")},
		{"unknown user, ENABLED", func() error { return pwd(f.strict, "nobody", testPassword) },
			wantAPIError[*types.NotAuthorizedException]("Incorrect username or password.")},
		{"disabled user", func() error { return pwd(f.public, "bob", testPassword) },
			wantAPIError[*types.NotAuthorizedException]("User is disabled.")},
		{"missing SECRET_HASH", func() error {
			return pwd(appClient{name: "no secret sent", ID: f.confidential.ID}, "alice", testPassword)
		},
			wantAPIError[*types.NotAuthorizedException]("Client " + f.confidential.ID + " is configured with secret but SECRET_HASH was not received")},
		{"wrong SECRET_HASH", func() error {
			return pwd(appClient{name: "wrong secret", ID: f.confidential.ID, Secret: "not-the-secret"}, "alice", testPassword)
		}, wantAPIError[*types.NotAuthorizedException]("Unable to verify secret hash for client " + f.confidential.ID)},
		{"USER_PASSWORD_AUTH not enabled", func() error { return pwd(f.noPwd, "alice", testPassword) },
			wantAPIError[*types.InvalidParameterException]("USER_PASSWORD_AUTH flow not enabled for this client")},
		{"GetUser with garbage", func() error {
			_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: aws.String("garbage")})
			return err
		}, wantAPIError[*types.NotAuthorizedException]("Invalid Access Token")},
		{"garbage refresh token", func() error {
			_, err := refresh(t, c, f.public, "alice", "garbage")
			return err
		}, wantAPIError[*types.NotAuthorizedException]("")},
		{"unknown pool", func() error { return describePool(c, "us-east-1_DoesNotExist0") },
			wantAPIError[*types.ResourceNotFoundException]("")},
		{"duplicate user", func() error {
			_, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
				UserPoolId: &f.poolID, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("mallory@example.com")}},
			})
			return err
		}, wantAPIError[*types.UsernameExistsException]("User account already exists")},
		{"unsigned admin call", func() error { return describePool(m.cognitoAs(t, aws.AnonymousCredentials{}), f.poolID) },
			wantErrorCode("MissingAuthenticationTokenException", "")},
		{"unknown access key", func() error {
			return describePool(m.cognitoAs(t, credentials.NewStaticCredentialsProvider("AKIAUNKNOWNUNKNOWN22", m.AdminSecret, "")), f.poolID)
		}, wantErrorCode("UnrecognizedClientException", "The security token included in the request is invalid.")},
		{"wrong secret key", func() error {
			return describePool(m.cognitoAs(t, credentials.NewStaticCredentialsProvider(m.AdminKeyID, "wrong"+m.AdminSecret[5:], "")), f.poolID)
		}, wantErrorCode("InvalidSignatureException", "")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, tc.err()) })
	}

	t.Run("duplicate user changes nothing", func(t *testing.T) {
		user, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("alice")})
		if err != nil {
			t.Fatalf("AdminGetUser: %v", err)
		}
		if got := attributeMap(user.UserAttributes)["email"]; got != "alice@example.com" {
			t.Errorf("alice's email = %q after a rejected duplicate AdminCreateUser, want alice@example.com", got)
		}
		requireRecent(t, "UserCreateDate", user.UserCreateDate)
		requireRecent(t, "UserLastModifiedDate", user.UserLastModifiedDate)
		signIn(t, c, f.public, "alice", testPassword)
	})

	t.Run("temporary password asks for a new one", func(t *testing.T) {
		out, err := passwordAuth(t, c, f.public, "carol", "Temp0rary-Pass!")
		if err != nil {
			t.Fatalf("USER_PASSWORD_AUTH with a temporary password: %v", err)
		}
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(out.Session) == "" || out.AuthenticationResult != nil {
			t.Errorf("got ChallengeName %q, Session %q, AuthenticationResult %v; want NEW_PASSWORD_REQUIRED with a Session and no tokens",
				out.ChallengeName, aws.ToString(out.Session), out.AuthenticationResult)
		}
	})
}

// wantAPIError checks that err is the SDK's typed error E and, unless
// message is empty, carries exactly that message.
func wantAPIError[E smithy.APIError](message string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		requireAPIError[E](t, err, message)
	}
}

func requireAPIError[E smithy.APIError](t *testing.T, err error, message string) {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Errorf("error = %v, want %T", err, target)
		return
	}
	if message != "" && target.ErrorMessage() != message {
		t.Errorf("%s message = %q, want %q", target.ErrorCode(), target.ErrorMessage(), message)
	}
}

// wantErrorCode is wantAPIError for codes the SDK has no type for (the
// signature errors every AWS service shares).
func wantErrorCode(code, message string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
			t.Errorf("error = %v, want %s", err, code)
			return
		}
		if message != "" && apiErr.ErrorMessage() != message {
			t.Errorf("%s message = %q, want %q", code, apiErr.ErrorMessage(), message)
		}
	}
}

func testWireErrors(t *testing.T, m *Moat, f errorsFixture) {
	t.Run("success carries a request id", func(t *testing.T) {
		resp, _ := rawCall(t, m, "ListUserPools", []byte(`{"MaxResults":10}`), true)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amzn-RequestId") == "" {
			t.Errorf("ListUserPools: HTTP %d, x-amzn-RequestId %q; want 200 with a request id", resp.StatusCode, resp.Header.Get("X-Amzn-RequestId"))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
			t.Errorf("Content-Type = %q, want application/x-amz-json-1.1", ct)
		}
	})
	wrongPassword, _ := json.Marshal(map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": f.public.ID,
		"AuthParameters": map[string]string{"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd!"},
	})
	cases := []struct {
		name, target string
		body         string
		signed       bool
		code         string
	}{
		{"wrong password", "InitiateAuth", string(wrongPassword), false, "NotAuthorizedException"},
		{"unknown operation", "NoSuchOperation", `{}`, true, "UnknownOperationException"},
		{"malformed JSON, unsigned operation", "InitiateAuth", `{"AuthFlow":`, false, "SerializationException"},
		{"malformed JSON, admin operation", "DescribeUserPool", `{"UserPoolId":`, true, "SerializationException"},
		{"unsigned admin operation", "DescribeUserPool", `{"UserPoolId":"` + f.poolID + `"}`, false, "MissingAuthenticationTokenException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := rawCall(t, m, tc.target, []byte(tc.body), tc.signed)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("HTTP %d, want 400; body %s", resp.StatusCode, body)
			}
			if code := requireErrorShape(t, resp, body); code != tc.code {
				t.Errorf("__type = %q, want %q", code, tc.code)
			}
		})
	}
}

// testNo500 sends malformed and hostile input to many operations, signed and
// unsigned, and requires a well-formed 4xx (or a 200) every time. It has a
// pool of its own, since some of this input may legitimately change or
// delete it.
func testNo500(t *testing.T, m *Moat, c *cip.Client) {
	poolID := createPool(t, c, "hostile")
	client := createClient(t, c, poolID, false)
	createUser(t, c, poolID, "alice", "alice@example.com")
	pool := `"` + poolID + `"`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	bodies := []string{
		"", "null", "[]", `"text"`, "42", "{", `{"UserPoolId":`, "{}", "\xff\xfe{}", deep,
		`{"UserPoolId":5}`, `{"UserPoolId":{"a":1}}`, `{"UserPoolId":"us-east-1_"}`, `{"UserPoolId":"../../etc"}`,
		`{"UserPoolId":` + pool + `,"Username":null}`, `{"UserPoolId":` + pool + `,"Username":""}`,
		`{"UserPoolId":` + pool + `,"Username":"` + strings.Repeat("x", 10000) + `"}`,
		`{"UserPoolId":` + pool + `,"Filter":"email = "}`, `{"UserPoolId":` + pool + `,"Filter":"email ^= \"a"}`,
		`{"UserPoolId":` + pool + `,"Filter":"nosuch = \"a\""}`, `{"UserPoolId":` + pool + `,"Limit":-1}`,
		`{"UserPoolId":` + pool + `,"Limit":1e300}`, `{"UserPoolId":` + pool + `,"PaginationToken":"garbage"}`,
		`{"UserPoolId":` + pool + `,"Username":"alice","UserAttributes":[{"Name":null}]}`,
		`{"UserPoolId":` + pool + `,"Username":"alice","UserAttributes":"x"}`,
		`{"AuthFlow":"NOPE","ClientId":"x"}`, `{"AuthFlow":"USER_PASSWORD_AUTH"}`,
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + client.ID + `","AuthParameters":{"USERNAME":5}}`,
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + client.ID + `","AuthParameters":null}`,
		`{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"` + client.ID + `","AuthParameters":{"REFRESH_TOKEN":"a.b.c.d.e"}}`,
		`{"ChallengeName":"NEW_PASSWORD_REQUIRED","ClientId":"` + client.ID + `","Session":"garbage"}`,
		`{"AccessToken":"a.b.c"}`, `{"AccessToken":"eyJhbGciOiJub25lIn0.e30."}`,
	}
	targets := []string{
		"InitiateAuth", "GetUser", "RespondToAuthChallenge", "CreateUserPool", "DescribeUserPool",
		"CreateUserPoolClient", "AdminCreateUser", "AdminGetUser", "AdminSetUserPassword",
		"AdminUpdateUserAttributes", "AdminInitiateAuth", "ListUsers", "CreateGroup",
		"AdminAddUserToGroup", "AdminUserGlobalSignOut", "GetCSVHeader", "CreateUserImportJob", "DescribeUserImportJob",
		"ListUserImportJobs", "StartUserImportJob", "StopUserImportJob",
		"UpdateUserPool", "DeleteUserPool", // last: they may change the pool
	}
	for _, target := range targets {
		for _, signed := range []bool{false, true} {
			for _, body := range bodies {
				resp, respBody := rawCall(t, m, target, []byte(body), signed)
				if resp.StatusCode >= 500 {
					t.Errorf("%s (signed %v) with body %.80q: HTTP %d %s", target, signed, body, resp.StatusCode, respBody)
				} else if resp.StatusCode >= 400 {
					requireErrorShape(t, resp, respBody)
				}
			}
		}
	}

	// Requests that are wrong before any operation is chosen.
	for _, mutate := range []func(*http.Request){
		func(r *http.Request) { r.Header.Del("X-Amz-Target") },
		func(r *http.Request) { r.Header.Set("X-Amz-Target", "") },
		func(r *http.Request) { r.Header.Set("X-Amz-Target", "SomeOtherService.ListUsers") },
		func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
		func(r *http.Request) { r.Method = http.MethodGet },
	} {
		req := newRawRequest(t, m, "ListUsers", []byte(`{"UserPoolId":`+pool+`}`))
		mutate(req)
		resp, body := do(t, req)
		if resp.StatusCode >= 500 || resp.StatusCode < 400 {
			t.Errorf("%s with target %q, Content-Type %q: HTTP %d %s, want 4xx",
				req.Method, req.Header.Get("X-Amz-Target"), req.Header.Get("Content-Type"), resp.StatusCode, body)
		}
	}
}

// requireErrorShape checks an AWS JSON 1.1 error response and returns its code.
func requireErrorShape(t *testing.T, resp *http.Response, body []byte) string {
	t.Helper()
	var e struct {
		Type    string  `json:"__type"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Type == "" {
		t.Errorf("HTTP %d error body %q is not {\"__type\":…,\"message\":…}", resp.StatusCode, body)
		return ""
	}
	if e.Message == nil {
		t.Errorf("%s error body has no string message: %s", e.Type, body)
	}
	if got := resp.Header.Get("X-Amzn-ErrorType"); strings.SplitN(got, ":", 2)[0] != e.Type {
		t.Errorf("x-amzn-ErrorType = %q, want %s (optionally followed by ':')", got, e.Type)
	}
	if resp.Header.Get("X-Amzn-RequestId") == "" {
		t.Errorf("%s error without x-amzn-RequestId", e.Type)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("%s error Content-Type = %q, want application/x-amz-json-1.1", e.Type, ct)
	}
	return e.Type
}

// rawCall posts body to operation target, SigV4-signed with the admin
// credentials when signed is set, and returns the response and its body.
func rawCall(t *testing.T, m *Moat, target string, body []byte, signed bool) (*http.Response, []byte) {
	t.Helper()
	req := newRawRequest(t, m, target, body)
	if signed {
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret}
		if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "cognito-idp", m.Region, time.Now()); err != nil {
			t.Fatalf("sign %s: %v", target, err)
		}
	}
	return do(t, req)
}

func newRawRequest(t *testing.T, m *Moat, target string, body []byte) *http.Request {
	t.Helper()
	return newCognitoRequest(t, m.IdentityURL, target, body)
}

// newCognitoRequest is a Cognito user-pool call, target (InitiateAuth, …)
// with body, to the endpoint at url: moat's identity listener or a
// gateway's Cognito proxy.
func newCognitoRequest(t *testing.T, url, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", targetPrefix+target)
	return req
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Header.Get("X-Amz-Target"), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response to %s: %v", req.Header.Get("X-Amz-Target"), err)
	}
	return resp, body
}

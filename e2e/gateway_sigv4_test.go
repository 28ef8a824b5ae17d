package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// Issue 5's SigV4 acceptance: routes with an AWS_IAM authorizer take
// requests signed by aws-sdk-go-v2, botocore (boto3) and aws4 with
// identity-pool credentials (a signed-in user's and a guest's), evaluate the
// role's policies for execute-api:Invoke, and pass the caller's identity to
// the backend.

const (
	sigv4Account = "000000000000" // moat's default account
	sigv4APIID   = "s1gv4ap1de"
)

func sigv4YAML(backend string) string {
	return fmt.Sprintf(`apis:
  - name: sigv4
    id: %[2]s
    stages: [{name: prod}]
    authorizers:
      - name: iam
        type: AWS_IAM
        claimHeaders:
          cognitoIdentityId: X-Moat-Identity-Id
          cognitoIdentityPoolId: X-Moat-Identity-Pool-Id
          cognitoAuthenticationType: X-Moat-Auth-Type
          cognitoAuthenticationProvider: X-Moat-Auth-Provider
          accessKey: X-Moat-Access-Key
          userArn: X-Moat-User-Arn
          caller: X-Moat-Caller
    routes:
      - {method: ANY, path: "/items/{id}", authorizer: iam, integration: {type: http_proxy, uri: "%[1]s/items/{id}"}}
      - {method: ANY, path: "/users/{id}", authorizer: iam, integration: {type: http_proxy, uri: "%[1]s/users/{id}"}}
      - {method: ANY, path: "/admin/{name}", authorizer: iam, integration: {type: http_proxy, uri: "%[1]s/admin/{name}"}}
`, backend, sigv4APIID)
}

// Members (signed in) may do anything to items but delete them, and
// anything to their own user; nobody but the admin may use admin routes;
// guests may only read items.
const (
	membersPolicy = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:s1gv4ap1de/prod/*/items/*",
   "Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}},
  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:s1gv4ap1de/prod/*/users/${cognito-identity.amazonaws.com:sub}"},
  {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:s1gv4ap1de/prod/DELETE/*"}]}`
	guestsPolicy = `{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:s1gv4ap1de/prod/GET/items/*"}]}`
)

// sigv4Call is one request a client makes; sigv4Answer what it got back.
type sigv4Call struct {
	method, path, body string
	creds              aws.Credentials
	presign            bool
}

type sigv4Answer struct {
	Status    int    `json:"status"`
	ErrorType string `json:"errorType"`
	Body      string `json:"body"`
}

// backendSaw is what identityBackend answers: the identity headers and body it was sent.
type backendSaw struct {
	Path, Body                                        string
	IdentityID, PoolID, AuthType, Provider, AccessKey string
	UserARN, Caller                                   string
}

func identityBackend(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := r.Header.Get
		json.NewEncoder(w).Encode(backendSaw{
			Path: r.URL.Path, Body: string(body),
			IdentityID: h("X-Moat-Identity-Id"), PoolID: h("X-Moat-Identity-Pool-Id"), AuthType: h("X-Moat-Auth-Type"),
			Provider: h("X-Moat-Auth-Provider"), AccessKey: h("X-Moat-Access-Key"), UserARN: h("X-Moat-User-Arn"), Caller: h("X-Moat-Caller"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestGatewaySigV4(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: sigv4YAML(identityBackend(t)) + sigv4Roles})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	public := m.identityPools(aws.AnonymousCredentials{})
	userPoolID, clientID, idToken := signedInUser(t, ctx, m)
	providerKey := "cognito-idp.us-east-1.amazonaws.com/" + userPoolID
	pool := newIdentityPool(t, ctx, m, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("api"), AllowUnauthenticatedIdentities: true,
		CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{ProviderName: aws.String(providerKey), ClientId: aws.String(clientID)}}},
		map[string]string{"authenticated": roleARN("Members"), "unauthenticated": roleARN("Guests")})
	credentialsFor := func(logins map[string]string) (string, aws.Credentials) {
		id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(pool), Logins: logins})
		if err != nil {
			t.Fatalf("GetId: %v", err)
		}
		out, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
		if err != nil {
			t.Fatalf("GetCredentialsForIdentity: %v", err)
		}
		c := out.Credentials
		return aws.ToString(id.IdentityId), aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretKey), SessionToken: aws.ToString(c.SessionToken)}
	}
	userID, member := credentialsFor(map[string]string{providerKey: idToken})
	guestID, guest := credentialsFor(nil)
	root := aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret}
	wrongSecret := member
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)

	denied := func(role, method, path, suffix string) string {
		return `{"message":"User: arn:aws:sts::` + sigv4Account + `:assumed-role/` + role + `/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:` +
			sigv4Account + ":" + sigv4APIID + "/prod/" + method + "/" + path + suffix + `"}`
	}
	memberSaw := backendSaw{Path: "/items/7", Body: `{"n":7}`, IdentityID: userID, PoolID: pool, AuthType: "authenticated",
		Provider:  providerKey + "," + providerKey + ":CognitoSignIn:" + subjectOf(t, idToken),
		AccessKey: member.AccessKeyID, UserARN: "arn:aws:sts::" + sigv4Account + ":assumed-role/Members/CognitoIdentityCredentials",
		Caller: "Members:CognitoIdentityCredentials"}
	guestSaw := backendSaw{Path: "/items/7", IdentityID: guestID, PoolID: pool, AuthType: "unauthenticated",
		AccessKey: guest.AccessKeyID, UserARN: "arn:aws:sts::" + sigv4Account + ":assumed-role/Guests/CognitoIdentityCredentials",
		Caller: "Guests:CognitoIdentityCredentials"}
	rootARN := "arn:aws:iam::" + sigv4Account + ":root"
	forged := member
	forged.SessionToken = guest.SessionToken
	cases := []struct {
		call sigv4Call
		saw  *backendSaw // allowed: what the backend must see (nil: only 200)
		// refused: 403 with this x-amzn-ErrorType and body
		errorType, body string
	}{
		{call: sigv4Call{method: "POST", path: "items/7", body: `{"n":7}`, creds: member}, saw: &memberSaw},
		{call: sigv4Call{method: "PUT", path: "users/" + userID, creds: member}},
		{call: sigv4Call{method: "GET", path: "items/7", creds: member, presign: true}},
		{call: sigv4Call{method: "GET", path: "items/7", creds: guest}, saw: &guestSaw},
		{call: sigv4Call{method: "DELETE", path: "admin/stats", creds: root},
			saw: &backendSaw{Path: "/admin/stats", AccessKey: root.AccessKeyID, UserARN: rootARN, Caller: rootARN}},
		{call: sigv4Call{method: "GET", path: "users/" + guestID, creds: member}, errorType: "AccessDeniedException", body: denied("Members", "GET", "users/"+guestID, "")},
		{call: sigv4Call{method: "GET", path: "admin/stats", creds: member}, errorType: "AccessDeniedException", body: denied("Members", "GET", "admin/stats", "")},
		{call: sigv4Call{method: "DELETE", path: "items/7", creds: member}, errorType: "AccessDeniedException", body: denied("Members", "DELETE", "items/7", " with an explicit deny")},
		{call: sigv4Call{method: "POST", path: "items/7", body: "{}", creds: guest}, errorType: "AccessDeniedException", body: denied("Guests", "POST", "items/7", "")},
		{call: sigv4Call{method: "GET", path: "items/7", creds: wrongSecret}, errorType: "InvalidSignatureException",
			body: `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`},
		{call: sigv4Call{method: "GET", path: "items/7", creds: forged}, errorType: "UnrecognizedClientException",
			body: `{"message":"The security token included in the request is invalid."}`},
	}
	calls := make([]sigv4Call, len(cases))
	for i, c := range cases {
		calls[i] = c.call
	}
	clients := map[string]func(t *testing.T, stageURL string, calls []sigv4Call) []sigv4Answer{
		"aws-sdk-go-v2": goSigV4Calls,
		"boto3":         pythonSigV4Calls,
		"aws4":          nodeSigV4Calls,
	}
	for name, run := range clients {
		t.Run(name, func(t *testing.T) {
			answers := run(t, m.GatewayURL+"/prod", calls)
			if len(answers) != len(cases) {
				t.Fatalf("%d answers to %d calls", len(answers), len(cases))
			}
			for i, c := range cases {
				a, what := answers[i], c.call.method+" "+c.call.path
				if c.errorType != "" {
					if a.Status != http.StatusForbidden || a.ErrorType != c.errorType || a.Body != c.body {
						t.Errorf("%s: %d %q %s\nwant 403 %q %s", what, a.Status, a.ErrorType, a.Body, c.errorType, c.body)
					}
					continue
				}
				if a.Status != http.StatusOK {
					t.Errorf("%s: %d %q %s, want 200", what, a.Status, a.ErrorType, a.Body)
					continue
				}
				var saw backendSaw
				if err := json.Unmarshal([]byte(a.Body), &saw); err != nil {
					t.Errorf("%s: backend answer %q: %v", what, a.Body, err)
				} else if c.saw != nil && saw != *c.saw {
					t.Errorf("%s: backend saw\n %+v\nwant\n %+v", what, saw, *c.saw)
				}
			}
		})
	}

	// Changing a request after it was signed breaks its signature: the body,
	// or a header the signature covers.
	for name, tamper := range map[string]func(r *http.Request){
		"body":   func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"n":8}`)); r.ContentLength = 7 },
		"header": func(r *http.Request) { r.Header.Set("X-Moat-Note", "changed") },
	} {
		r, _ := http.NewRequest("POST", m.GatewayURL+"/prod/items/7", strings.NewReader(`{"n":7}`))
		r.Header.Set("X-Moat-Note", "signed")
		sum := sha256.Sum256([]byte(`{"n":7}`))
		if err := v4.NewSigner().SignHTTP(ctx, member, r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		tamper(r)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
			t.Errorf("tampered %s: %d %s; want 403 InvalidSignatureException", name, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
	}

	unsigned := callGateway(t, m, "/prod/items/7")
	if unsigned.status != http.StatusForbidden || unsigned.body != `{"message":"Missing Authentication Token"}` ||
		unsigned.header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned: %d %s %q", unsigned.status, unsigned.header.Get("X-Amzn-ErrorType"), unsigned.body)
	}
}

// goSigV4Calls signs with aws-sdk-go-v2's signer, a fresh one per call
// (it caches signing keys by access key id alone).
func goSigV4Calls(t *testing.T, stageURL string, calls []sigv4Call) []sigv4Answer {
	t.Helper()
	var answers []sigv4Answer
	for _, c := range calls {
		r, err := http.NewRequest(c.method, stageURL+"/"+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(c.body))
		signer := v4.NewSigner()
		if c.presign {
			uri, headers, err := signer.PresignHTTP(context.Background(), c.creds, r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if r, err = http.NewRequest(c.method, uri, nil); err != nil {
				t.Fatal(err)
			}
			for name, values := range headers {
				if name != "Host" {
					r.Header[name] = values
				}
			}
		} else if err := signer.SignHTTP(context.Background(), c.creds, r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answers = append(answers, sigv4Answer{Status: resp.StatusCode, ErrorType: resp.Header.Get("X-Amzn-ErrorType"), Body: string(body)})
	}
	return answers
}

func pythonSigV4Calls(t *testing.T, stageURL string, calls []sigv4Call) []sigv4Answer {
	t.Helper()
	python := pythonWithBoto3(t)
	return runSigV4Script(t, []string{python, filepath.Join("clients", "python", "sigv4_call.py")}, stageURL, calls)
}

func nodeSigV4Calls(t *testing.T, stageURL string, calls []sigv4Call) []sigv4Answer {
	t.Helper()
	node := nodeWithClients(t, "aws4")
	return runSigV4Script(t, []string{node, filepath.Join(nodeClientsDir, "sigv4_call.mjs")}, stageURL, calls)
}

// runSigV4Script has a client script make the calls (each path relative to
// stageURL) and reads its answers.
func runSigV4Script(t *testing.T, argv []string, stageURL string, calls []sigv4Call) []sigv4Answer {
	t.Helper()
	type scriptCall struct {
		URL             string `json:"url"`
		Method          string `json:"method"`
		Body            string `json:"body"`
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		Presign         bool   `json:"presign"`
	}
	var list []scriptCall
	for _, c := range calls {
		list = append(list, scriptCall{stageURL + "/" + c.path, c.method, c.body, c.creds.AccessKeyID, c.creds.SecretAccessKey, c.creds.SessionToken, c.presign})
	}
	encoded, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true",
		"MOAT_REGION=us-east-1", "MOAT_CALLS="+string(encoded))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", strings.Join(argv, " "), err, stdout.String(), stderr.String())
	}
	var answers []sigv4Answer
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &answers); err != nil {
		t.Fatalf("%s printed %q: %v\n%s", strings.Join(argv, " "), stdout.String(), err, stderr.String())
	}
	return answers
}

// sigv4Roles declares the identity pool's roles: trust as in the identity
// pool tests, permissions for the sigv4 API.
var sigv4Roles = "\nroles:" + identityRoleYAML("Members", "authenticated", membersPolicy) +
	identityRoleYAML("Guests", "unauthenticated", guestsPolicy) + "\n"

// subjectOf reads a JWT's sub without verifying it (moat issued it).
func subjectOf(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct{ Sub string }
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims.Sub == "" {
		t.Fatalf("JWT payload %q: %v", payload, err)
	}
	return claims.Sub
}

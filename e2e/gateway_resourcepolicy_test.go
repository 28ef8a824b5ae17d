package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// Issue 5's resource-policy acceptance: a resource policy that denies an IP
// range blocks it even with valid credentials; one that allows only an IP
// range admits SigV4 callers from it (and still needs their signature).
// moat's tests reach it from 127.0.0.1, so the ranges are chosen around it.

// resourcePolicyAPI is a REST API at /basePath whose one route needs SigV4
// and whose resource policy has one statement: effect for callers in cidr.
func resourcePolicyAPI(name, basePath, effect, cidr, backend string) string {
	return fmt.Sprintf(`
  - name: %[1]s
    id: %[1]s00
    type: REST
    basePath: /%[2]s
    stages: [{name: prod}]
    resourcePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"%[3]s","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"%[4]s"}}}]}'
    authorizers: [{name: iam, type: AWS_IAM, claimHeaders: {accessKey: X-Moat-Access-Key}}]
    routes:
      - {method: ANY, path: "/items/{id}", authorizer: iam, integration: {type: http_proxy, uri: "%[5]s/items/{id}"}}`,
		name, basePath, effect, cidr, backend)
}

// policyCallerRoles: guests of the identity pool may invoke items on every API.
var policyCallerRoles = "\nroles:" + identityRoleYAML("PolicyCallers", "unauthenticated",
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:*/prod/*/items/*"}]}`) + "\n"

func TestGatewayResourcePolicy(t *testing.T) {
	t.Parallel()
	backend := identityBackend(t)
	m := startMoat(t, moatOptions{Config: "apis:" +
		resourcePolicyAPI("blocked", "blocked", "Deny", "127.0.0.0/8", backend) +
		resourcePolicyAPI("office", "office", "Allow", "127.0.0.1/32", backend) +
		resourcePolicyAPI("vpn", "vpn", "Allow", "10.0.0.0/8", backend) + "\n" + policyCallerRoles})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	creds := guestCredentials(t, ctx, m, "PolicyCallers")
	refused := func(api, suffix string) string {
		return `{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:` +
			sigv4Account + ":" + api + `00/prod/GET/items/7` + suffix + `"}`
	}
	for _, c := range []struct {
		api             string
		status          int
		errorType, body string // refused: x-amzn-ErrorType and body
	}{
		{api: "blocked", status: 403, errorType: "AccessDeniedException", body: refused("blocked", " with an explicit deny")},
		{api: "office", status: 200},
		{api: "vpn", status: 403, errorType: "AccessDeniedException", body: refused("vpn", "")},
	} {
		a := goSigV4Calls(t, m.GatewayURL+"/"+c.api+"/prod", []sigv4Call{{method: "GET", path: "items/7", creds: creds}})[0]
		if a.Status != c.status {
			t.Errorf("%s, signed: %d %q %s, want %d", c.api, a.Status, a.ErrorType, a.Body, c.status)
			continue
		}
		if c.status == 200 {
			var saw backendSaw
			if err := json.Unmarshal([]byte(a.Body), &saw); err != nil || saw.AccessKey != creds.AccessKeyID || saw.Path != "/items/7" {
				t.Errorf("%s: backend saw %s (%v), want the caller's access key", c.api, a.Body, err)
			}
			continue
		}
		if a.ErrorType != c.errorType || a.Body != c.body {
			t.Errorf("%s, signed: %d %q %s\nwant %d %q %s", c.api, a.Status, a.ErrorType, a.Body, c.status, c.errorType, c.body)
		}
	}

	// Unsigned: the blocked range is refused by the policy before the
	// authorizer; an admitted one still needs a signature.
	for api, want := range map[string]string{"blocked": refused("blocked", " with an explicit deny"), "office": `{"message":"Missing Authentication Token"}`} {
		if a := callGateway(t, m, "/"+api+"/prod/items/7"); a.status != http.StatusForbidden || a.body != want {
			t.Errorf("%s, unsigned: %d %s, want 403 %s", api, a.status, a.body, want)
		}
	}
}

// guestCredentials makes an identity pool open to guests with the role
// named, and returns a guest's temporary credentials.
func guestCredentials(t *testing.T, ctx context.Context, m *Moat, role string) aws.Credentials {
	t.Helper()
	public := m.identityPools(aws.AnonymousCredentials{})
	poolID := newIdentityPool(t, ctx, m, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("guests"), AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": roleARN(role)})
	id, err := public.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(poolID)})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := public.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretKey), SessionToken: aws.ToString(c.SessionToken)}
}

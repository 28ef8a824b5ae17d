package iamapi

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

var adminCreds = awsapitest.Admin // the credential the test server trusts

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"}}}]}`

// server is the IAM API over a fresh SQLite store, for a moat in eu-west-1.
func server(t *testing.T) string {
	t.Helper()
	st := sqlstoretest.Open(t)
	svc, err := roles.New(st, roles.Options{})
	if err != nil {
		t.Fatal(err)
	}
	auth := Authenticators{Global: awsapitest.AdminAuthenticator(GlobalRegion), Regional: awsapitest.AdminAuthenticator("eu-west-1")}
	return awsapitest.Serve(t, awsapitest.QuietFrame().Query(API(svc), auth))
}

type answer struct {
	status int
	header http.Header
	body   string
}

// post sends params as boto3 does: a form POST signed for iam in region
// (no signature when region is "").
func post(t *testing.T, srv string, creds aws.Credentials, region string, params url.Values) answer {
	t.Helper()
	params.Set("Version", "2010-05-08")
	body := params.Encode()
	r, err := http.NewRequest(http.MethodPost, srv+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return send(t, r, creds, region, []byte(body))
}

func send(t *testing.T, r *http.Request, creds aws.Credentials, region string, body []byte) answer {
	t.Helper()
	if region != "" {
		awsapitest.Sign(t, r, body, creds, SigningName, region)
	}
	a := awsapitest.Send(t, r)
	return answer{a.Status, a.Header, string(a.Body)}
}

func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// wantError checks IAM's error document, status and request id.
func wantError(t *testing.T, a answer, status int, typ, code, message string) {
	t.Helper()
	doc := awsapitest.ParseQueryError(t, []byte(a.body))
	if a.status != status || doc.XMLName.Local != "ErrorResponse" || doc.XMLName.Space != Namespace || doc.Type != typ || doc.Code != code || !strings.Contains(doc.Message, message) {
		t.Fatalf("got %d %s, want %d %s %s %q", a.status, a.body, status, typ, code, message)
	}
	if doc.RequestID == "" || doc.RequestID != a.header.Get("x-amzn-RequestId") {
		t.Fatalf("RequestId %q, header %q", doc.RequestID, a.header.Get("x-amzn-RequestId"))
	}
}

func TestCreateAndGetRole(t *testing.T) {
	srv := server(t)
	a := post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "web", "Path", "/app/",
		"AssumeRolePolicyDocument", trust, "Description", "a role", "Tags.member.1.Key", "team", "Tags.member.1.Value", "core"))
	if a.status != 200 || a.header.Get("Content-Type") != "text/xml" {
		t.Fatalf("CreateRole: %d %s", a.status, a.body)
	}
	want := `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role><Path>/app/</Path><RoleName>web</RoleName><RoleId>AROA`
	if !strings.HasPrefix(a.body, want) || !strings.HasSuffix(a.body, "</Role></CreateRoleResult><ResponseMetadata><RequestId>"+a.header.Get("x-amzn-RequestId")+"</RequestId></ResponseMetadata></CreateRoleResponse>") {
		t.Fatalf("CreateRole body %s", a.body)
	}

	a = post(t, srv, adminCreds, "eu-west-1", params("Action", "GetRole", "RoleName", "WEB"))
	var got struct {
		Role struct {
			RoleName, Arn, Path, Description, CreateDate string
			AssumeRolePolicyDocument                     string
			MaxSessionDuration                           int64
			Tags                                         []struct{ Key, Value string } `xml:"Tags>member"`
		} `xml:"GetRoleResult>Role"`
	}
	if err := xml.Unmarshal([]byte(a.body), &got); err != nil || a.status != 200 {
		t.Fatalf("GetRole signed for moat's region: %d %s %v", a.status, a.body, err)
	}
	doc, err := url.QueryUnescape(got.Role.AssumeRolePolicyDocument)
	if err != nil || doc != trust || strings.Contains(got.Role.AssumeRolePolicyDocument, "{") {
		t.Fatalf("AssumeRolePolicyDocument %q does not decode to the trust policy", got.Role.AssumeRolePolicyDocument)
	}
	if got.Role.Arn != "arn:aws:iam::000000000000:role/app/web" || got.Role.MaxSessionDuration != 3600 || len(got.Role.Tags) != 1 || got.Role.Tags[0].Key != "team" || got.Role.Description != "a role" {
		t.Fatalf("GetRole: %+v", got.Role)
	}
	if _, err := time.Parse(time.RFC3339, got.Role.CreateDate); err != nil {
		t.Fatalf("CreateDate %q: %v", got.Role.CreateDate, err)
	}

	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "Web", "AssumeRolePolicyDocument", trust)),
		409, "Sender", "EntityAlreadyExists", "Role with name Web already exists.")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "GetRole", "RoleName", "nobody")),
		404, "Sender", "NoSuchEntity", "The role with name nobody cannot be found.")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", "{")),
		400, "Sender", "MalformedPolicyDocument", "Syntax errors in policy")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "r")),
		400, "Sender", "ValidationError", "Value null at 'assumeRolePolicyDocument'")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust, "MaxSessionDuration", "0")),
		400, "Sender", "ValidationError", "Value '0' at 'maxSessionDuration'")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust, "Tags.member.1.Key", "a", "Tags.member.2.Key", "A")),
		400, "Sender", "InvalidInput", "Duplicate tag keys")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust, "Tags.member.x.Key", "a")),
		400, "Sender", "MalformedQueryString", "Tags.member.x.Key")
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateUser", "UserName", "u")),
		400, "Sender", "InvalidAction", "Could not find operation")
}

func TestAuthentication(t *testing.T) {
	srv := server(t)
	get := params("Action", "ListRoles")
	wantError(t, post(t, srv, adminCreds, "", get), 403, "Sender", "MissingAuthenticationToken", "Missing Authentication Token")
	wantError(t, post(t, srv, aws.Credentials{AccessKeyID: adminCreds.AccessKeyID, SecretAccessKey: "wrong"}, GlobalRegion, get),
		403, "Sender", "SignatureDoesNotMatch", "signature we calculated does not match")
	wantError(t, post(t, srv, awsapitest.Stranger, GlobalRegion, get),
		403, "Sender", "InvalidClientTokenId", "security token included in the request is invalid")
	wantError(t, post(t, srv, adminCreds, "ap-south-1", get), 403, "Sender", "SignatureDoesNotMatch", "valid region")

	// A signed GET with the parameters in the query, as the query protocol allows.
	r, err := http.NewRequest(http.MethodGet, srv+"/?Action=ListRoles&Version=2010-05-08", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := send(t, r, adminCreds, GlobalRegion, nil); a.status != 200 || !strings.Contains(a.body, "<ListRolesResult><Roles></Roles><IsTruncated>false</IsTruncated></ListRolesResult>") {
		t.Fatalf("signed GET: %d %s", a.status, a.body)
	}
}

func TestInlinePoliciesAndPaging(t *testing.T) {
	srv := server(t)
	for _, name := range []string{"c", "a", "b"} {
		if a := post(t, srv, adminCreds, GlobalRegion, params("Action", "CreateRole", "RoleName", name, "AssumeRolePolicyDocument", trust)); a.status != 200 {
			t.Fatalf("CreateRole %s: %s", name, a.body)
		}
	}
	var names []string
	marker := ""
	for range 4 {
		p := params("Action", "ListRoles", "MaxItems", "2")
		if marker != "" {
			p.Set("Marker", marker)
		}
		var page struct {
			Names       []string `xml:"ListRolesResult>Roles>member>RoleName"`
			IsTruncated bool     `xml:"ListRolesResult>IsTruncated"`
			Marker      string   `xml:"ListRolesResult>Marker"`
		}
		a := post(t, srv, adminCreds, GlobalRegion, p)
		if err := xml.Unmarshal([]byte(a.body), &page); err != nil {
			t.Fatal(err)
		}
		names = append(names, page.Names...)
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("paged ListRoles: %v", names)
	}

	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:api/prod/GET/pets"}]}`
	for _, step := range []struct {
		params url.Values
		want   string
	}{
		{params("Action", "PutRolePolicy", "RoleName", "a", "PolicyName", "invoke", "PolicyDocument", policy), "<PutRolePolicyResponse xmlns=\"" + Namespace + "\"><ResponseMetadata>"},
		{params("Action", "ListRolePolicies", "RoleName", "a"), "<ListRolePoliciesResult><PolicyNames><member>invoke</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult>"},
		{params("Action", "GetRolePolicy", "RoleName", "a", "PolicyName", "invoke"), "<GetRolePolicyResult><RoleName>a</RoleName><PolicyName>invoke</PolicyName><PolicyDocument>" + encodeDocument(policy) + "</PolicyDocument></GetRolePolicyResult>"},
		{params("Action", "DeleteRolePolicy", "RoleName", "a", "PolicyName", "invoke"), "<DeleteRolePolicyResponse"},
		{params("Action", "UpdateAssumeRolePolicy", "RoleName", "a", "PolicyDocument", trust), "<UpdateAssumeRolePolicyResponse"},
		{params("Action", "DeleteRole", "RoleName", "a"), "<DeleteRoleResponse"},
	} {
		a := post(t, srv, adminCreds, GlobalRegion, step.params)
		if a.status != 200 || !strings.Contains(a.body, step.want) {
			t.Fatalf("%s: %d %s, want %s", step.params.Get("Action"), a.status, a.body, step.want)
		}
	}
	wantError(t, post(t, srv, adminCreds, GlobalRegion, params("Action", "PutRolePolicy", "RoleName", "b", "PolicyName", "p", "PolicyDocument", trust)),
		400, "Sender", "MalformedPolicyDocument", "Policy document should not specify a principal.")
}

func TestEncodeDocument(t *testing.T) {
	got := encodeDocument(`{"a": "b+c/d"}`)
	if got != "%7B%22a%22%3A%20%22b%2Bc%2Fd%22%7D" {
		t.Fatalf("encodeDocument: %s", got)
	}
}

package lambdaapi

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/functions/functionstest"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
)

const testRole = functionstest.RoleARN

// newRuntime is a function runtime on a fresh SQLite store that holds the
// functions' execution role.
func newRuntime(t testing.TB) *functions.Runtime {
	t.Helper()
	st := sqlstoretest.Open(t)
	functionstest.ExecutionRole(t, st)
	// Memory unenforced: these tests are of the wire, and run where no
	// cgroup can be made (internal/functions tests the limits).
	rt, err := functions.New(functions.Config{Store: st, Region: "us-east-1", Account: "000000000000", WorkDir: t.TempDir(),
		Logger: slog.New(slog.DiscardHandler), Memory: functions.MemoryUnenforced})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// lambdaServer is the Lambda API through the request frame, signed as
// boto3 signs it.
type lambdaServer struct {
	t   *testing.T
	url string
}

func newServer(t *testing.T) *lambdaServer {
	t.Helper()
	auth := awsapitest.AdminAuthenticator("us-east-1")
	return &lambdaServer{t: t, url: awsapitest.Serve(t, awsapitest.QuietFrame().REST(New(newRuntime(t)), auth))}
}

func (s *lambdaServer) do(method, path, body string, headers ...string) awsapitest.Answer {
	s.t.Helper()
	return awsapitest.CallREST(s.t, s.url, method, path, []byte(body), awsapitest.Admin, SigningName, headers...)
}

func pythonZip(t testing.TB, source string) []byte {
	return functionstest.Zip(t, map[string]string{"lambda_function.py": source})
}

const echo = `
def handler(event, context):
    print("echo invoked")
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"event": event}
`

func createBody(t testing.TB, name string, extra string) string {
	t.Helper()
	code, _ := json.Marshal(pythonZip(t, echo)) // []byte marshals as base64, as ZipFile goes on the wire
	return `{"FunctionName":"` + name + `","Runtime":"python3.12","Handler":"lambda_function.handler","Role":"` + testRole +
		`","Code":{"ZipFile":` + string(code) + `}` + extra + `}`
}

// The operations are routed by botocore's methods and paths, decode their
// inputs, and answer Lambda's shapes and errors: x-amzn-ErrorType, and the
// body's Type and its message member as Lambda's model names it.
func TestRoutesAndErrors(t *testing.T) {
	s := newServer(t)
	const fn = "/2015-03-31/functions/"
	cases := []struct {
		name             string
		method, path     string
		body             string
		headers          []string
		status           int
		errorType        string
		messageKey, want string // the error's message member and its text (a prefix)
	}{
		{"create", "POST", "/2015-03-31/functions", createBody(t, "echo", `,"Timeout":5,"Environment":{"Variables":{"STAGE":"b"}}`), nil, 201, "", "", ""},
		{"create again", "POST", "/2015-03-31/functions", createBody(t, "echo", ""), nil, 409, "ResourceConflictException", "message", "Function already exist: echo"},
		{"create not JSON", "POST", "/2015-03-31/functions", `{"FunctionName":`, nil, 400, "InvalidRequestContentException", "message", "Could not parse request body into json"},
		{"create wrong type", "POST", "/2015-03-31/functions", `{"FunctionName":7}`, nil, 400, "InvalidRequestContentException", "message", "Could not parse request body into json"},
		{"create without code", "POST", "/2015-03-31/functions", `{"FunctionName":"x","Runtime":"python3.12","Handler":"a.b","Role":"` + testRole + `"}`, nil, 400, "InvalidParameterValueException", "message", "Please provide a source for function code."},
		{"create from S3", "POST", "/2015-03-31/functions", `{"FunctionName":"x","Runtime":"python3.12","Handler":"a.b","Role":"` + testRole + `","Code":{"S3Bucket":"b","S3Key":"k"}}`, nil, 400, "InvalidParameterValueException", "message", "moat takes a function's code as ZipFile only"},
		{"create with layers", "POST", "/2015-03-31/functions", createBody(t, "layered", `,"Layers":["arn:aws:lambda:us-east-1:000000000000:layer:x:1"]`), nil, 400, "InvalidParameterValueException", "message", "moat does not support Layers."},
		{"create publishing", "POST", "/2015-03-31/functions", createBody(t, "published", `,"Publish":true`), nil, 400, "InvalidParameterValueException", "message", "moat does not publish versions"},
		{"create image", "POST", "/2015-03-31/functions", createBody(t, "image", `,"PackageType":"Image"`), nil, 400, "InvalidParameterValueException", "message", "moat runs Zip packages only."},
		{"create bad timeout", "POST", "/2015-03-31/functions", createBody(t, "slow", `,"Timeout":901`), nil, 400, "ValidationException", "message", "1 validation error detected: Value '901' at 'timeout'"},
		{"get", "GET", fn + "echo", "", nil, 200, "", "", ""},
		{"get by ARN", "GET", fn + "arn:aws:lambda:us-east-1:000000000000:function:echo", "", nil, 200, "", "", ""},
		{"get missing", "GET", fn + "missing", "", nil, 404, "ResourceNotFoundException", "Message", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing"},
		{"get a version", "GET", fn + "echo?Qualifier=3", "", nil, 404, "ResourceNotFoundException", "Message", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:3"},
		{"get another region's", "GET", fn + "arn:aws:lambda:eu-west-1:000000000000:function:echo", "", nil, 400, "ValidationException", "message", "1 validation error detected"},
		{"configuration", "GET", fn + "echo/configuration", "", nil, 200, "", "", ""},
		{"list", "GET", fn, "", nil, 200, "", "", ""},
		{"list bad MaxItems", "GET", fn + "?MaxItems=0", "", nil, 400, "ValidationException", "message", "1 validation error detected: Value '0' at 'maxItems'"},
		{"update configuration", "PUT", fn + "echo/configuration", `{"MemorySize":256}`, nil, 200, "", "", ""},
		{"update stale revision", "PUT", fn + "echo/configuration", `{"Timeout":9,"RevisionId":"old"}`, nil, 412, "PreconditionFailedException", "message", "The Revision Id provided does not match"},
		{"update VPC", "PUT", fn + "echo/configuration", `{"VpcConfig":{"SubnetIds":["s"]}}`, nil, 400, "InvalidParameterValueException", "message", "moat does not support VpcConfig."},
		{"update code not a zip", "PUT", fn + "echo/code", `{"ZipFile":"bm90IGEgemlw"}`, nil, 400, "InvalidParameterValueException", "message", "Could not unzip uploaded file."},
		{"invoke", "POST", fn + "echo/invocations", `{"a":1}`, nil, 200, "", "", ""},
		{"invoke not JSON", "POST", fn + "echo/invocations", `{"a":`, nil, 400, "InvalidRequestContentException", "message", "Could not parse request body into json"},
		{"invoke bad type", "POST", fn + "echo/invocations", `{}`, []string{"X-Amz-Invocation-Type", "Later"}, 400, "ValidationException", "message", "1 validation error detected: Value 'Later' at 'invocationType'"},
		{"invoke bad log type", "POST", fn + "echo/invocations", `{}`, []string{"X-Amz-Log-Type", "All"}, 400, "ValidationException", "message", "1 validation error detected: Value 'All' at 'logType'"},
		{"invoke bad client context", "POST", fn + "echo/invocations", `{}`, []string{"X-Amz-Client-Context", "!!"}, 400, "InvalidParameterValueException", "message", "Client context must be a valid Base64-encoded JSON object."},
		{"dry run", "POST", fn + "echo/invocations", `{}`, []string{"X-Amz-Invocation-Type", "DryRun"}, 204, "", "", ""},
		{"dry run missing", "POST", fn + "missing/invocations", `{}`, []string{"X-Amz-Invocation-Type", "DryRun"}, 404, "ResourceNotFoundException", "Message", "Function not found"},
		{"event", "POST", fn + "echo/invocations", `{}`, []string{"X-Amz-Invocation-Type", "Event"}, 202, "", "", ""},
		{"add permission", "POST", fn + "echo/policy", `{"StatementId":"gw","Action":"lambda:InvokeFunction","Principal":"apigateway.amazonaws.com","SourceArn":"arn:aws:execute-api:us-east-1:000000000000:abc/*"}`, nil, 201, "", "", ""},
		{"add permission twice", "POST", fn + "echo/policy", `{"StatementId":"gw","Action":"lambda:InvokeFunction","Principal":"apigateway.amazonaws.com"}`, nil, 409, "ResourceConflictException", "message", "The statement id (gw) provided already exists."},
		{"add permission bad action", "POST", fn + "echo/policy", `{"StatementId":"x","Action":"s3:GetObject","Principal":"apigateway.amazonaws.com"}`, nil, 400, "ValidationException", "message", "1 validation error detected: Value 's3:GetObject' at 'action'"},
		{"add permission by org", "POST", fn + "echo/policy", `{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"*","PrincipalOrgID":"o-1"}`, nil, 400, "InvalidParameterValueException", "message", "moat does not support EventSourceToken, PrincipalOrgID"},
		{"get policy", "GET", fn + "echo/policy", "", nil, 200, "", "", ""},
		{"remove permission", "DELETE", fn + "echo/policy/gw", "", nil, 204, "", "", ""},
		{"remove it again", "DELETE", fn + "echo/policy/gw", "", nil, 404, "ResourceNotFoundException", "Message", "The resource you requested does not exist."},
		{"get no policy", "GET", fn + "echo/policy", "", nil, 404, "ResourceNotFoundException", "Message", "The resource you requested does not exist."},
		{"put concurrency", "PUT", "/2017-10-31/functions/echo/concurrency", `{"ReservedConcurrentExecutions":0}`, nil, 200, "", "", ""},
		{"throttled", "POST", fn + "echo/invocations", `{}`, nil, 429, "TooManyRequestsException", "message", "Rate Exceeded."},
		{"put concurrency null", "PUT", "/2017-10-31/functions/echo/concurrency", `{}`, nil, 400, "ValidationException", "message", "1 validation error detected: Value null at 'reservedConcurrentExecutions'"},
		{"put concurrency negative", "PUT", "/2017-10-31/functions/echo/concurrency", `{"ReservedConcurrentExecutions":-1}`, nil, 400, "ValidationException", "message", "1 validation error detected: Value '-1'"},
		{"put concurrency over the limit", "PUT", "/2017-10-31/functions/echo/concurrency", `{"ReservedConcurrentExecutions":1000}`, nil, 400, "InvalidParameterValueException", "message", "Specified ReservedConcurrentExecutions"},
		{"get concurrency", "GET", "/2019-09-30/functions/echo/concurrency", "", nil, 200, "", "", ""},
		{"delete concurrency", "DELETE", "/2017-10-31/functions/echo/concurrency", "", nil, 204, "", "", ""},
		{"delete", "DELETE", fn + "echo", "", nil, 204, "", "", ""},
		{"delete again", "DELETE", fn + "echo", "", nil, 404, "ResourceNotFoundException", "Message", "Function not found"},
	}
	for _, c := range cases {
		a := s.do(c.method, c.path, c.body, c.headers...)
		if a.Status != c.status {
			t.Fatalf("%s: %s %s = %d %s; want %d", c.name, c.method, c.path, a.Status, a.Body, c.status)
		}
		if a.Header.Get("X-Amzn-Requestid") == "" {
			t.Fatalf("%s: no x-amzn-RequestId", c.name)
		}
		if c.errorType == "" {
			continue
		}
		body := a.Object(t)
		if got := a.Header.Get("X-Amzn-Errortype"); got != c.errorType {
			t.Fatalf("%s: x-amzn-ErrorType %q; want %q (%s)", c.name, got, c.errorType, a.Body)
		}
		if msg, _ := body[c.messageKey].(string); !strings.HasPrefix(msg, c.want) || body["Type"] != "User" {
			t.Fatalf("%s: body %s; want Type User and %s starting %q", c.name, a.Body, c.messageKey, c.want)
		}
		if c.errorType == "TooManyRequestsException" && body["Reason"] != "ReservedFunctionConcurrentInvocationLimitExceeded" {
			t.Fatalf("%s: body %s; want Reason ReservedFunctionConcurrentInvocationLimitExceeded", c.name, a.Body)
		}
	}
}

// Invoke answers the function's own bytes, its error with
// X-Amz-Function-Error, and its log tail in X-Amz-Log-Result when asked.
func TestInvokeAnswers(t *testing.T) {
	s := newServer(t)
	if a := s.do("POST", "/2015-03-31/functions", createBody(t, "echo", "")); a.Status != 201 {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	created := s.do("GET", "/2015-03-31/functions/echo", "").Object(t)
	conf, _ := created["Configuration"].(map[string]any)
	if conf["FunctionArn"] != "arn:aws:lambda:us-east-1:000000000000:function:echo" || conf["Version"] != "$LATEST" ||
		conf["MemorySize"] != float64(128) || conf["Timeout"] != float64(3) || conf["State"] != "Active" {
		t.Fatalf("GetFunction: %s", created)
	}

	a := s.do("POST", "/2015-03-31/functions/echo/invocations", `{"a":1}`, "X-Amz-Log-Type", "Tail")
	if a.Status != 200 || string(a.Body) != `{"event": {"a": 1}}` || a.Header.Get("X-Amz-Executed-Version") != "$LATEST" || a.Header.Get("X-Amz-Function-Error") != "" {
		t.Fatalf("invoke: %d %v %s", a.Status, a.Header, a.Body)
	}
	if tail := decodeBase64(t, a.Header.Get("X-Amz-Log-Result")); !strings.Contains(tail, "echo invoked") || !strings.Contains(tail, "REPORT RequestId: ") {
		t.Fatalf("log tail %q", tail)
	}
	if a.Header.Get("X-Amz-Log-Result") != "" && s.do("POST", "/2015-03-31/functions/echo/invocations", `{}`).Header.Get("X-Amz-Log-Result") != "" {
		t.Fatal("a log tail without LogType Tail")
	}
	a = s.do("POST", "/2015-03-31/functions/echo/invocations", `{"fail":true}`)
	body := a.Object(t)
	if a.Status != 200 || a.Header.Get("X-Amz-Function-Error") != "Unhandled" || body["errorType"] != "ValueError" || body["errorMessage"] != "asked to fail" {
		t.Fatalf("failing invoke: %d %v %s", a.Status, a.Header, a.Body)
	}
	list := s.do("GET", "/2015-03-31/functions/?MaxItems=1", "").Object(t)
	if fs, _ := list["Functions"].([]any); len(fs) != 1 {
		t.Fatalf("ListFunctions: %s", list)
	}
}

func decodeBase64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return string(b)
}

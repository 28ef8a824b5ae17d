// Package lambdaapi serves the Lambda API (REST-JSON, versions 2015-03-31,
// 2017-10-31 and 2019-09-30 as botocore's model routes them): functions,
// their code and configuration, Invoke, reserved concurrency and resource
// policies. boto3's and the AWS SDKs' lambda clients work against it with
// only the endpoint changed; every call must be SigV4-signed with the admin
// credentials for service "lambda". The framing (request ids, bodies,
// signatures, logs, metrics) is internal/awsapi's; every decision is
// internal/functions'.
package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/functions"
)

// SigningName is the SigV4 service name Lambda's clients sign with.
const SigningName = "lambda"

// maxBody is the most a request may carry: a deployment package of about
// 36 MB, base64 in CreateFunction's JSON, within the frame's budget for
// all bodies at once.
const maxBody = 48 << 20

// Handler holds the operations.
type Handler struct {
	runtime *functions.Runtime
}

// New returns the Lambda API, to be served through an awsapi.Frame.
func New(rt *functions.Runtime) awsapi.RESTAPI {
	h := &Handler{runtime: rt}
	return awsapi.RESTAPI{
		SigningName: SigningName,
		Prefixes:    []string{"/2015-03-31/functions", "/2017-10-31/functions", "/2019-09-30/functions"},
		Routes:      h.routes(),
		MaxBody:     maxBody,
		ErrorBody:   errorBody,
	}
}

// routes are the operations moat serves, by botocore's names and paths.
func (h *Handler) routes() []awsapi.Route {
	const fn = "/2015-03-31/functions/{FunctionName}"
	return []awsapi.Route{
		{Name: "CreateFunction", Pattern: "POST /2015-03-31/functions", Handle: h.createFunction},
		{Name: "ListFunctions", Pattern: "GET /2015-03-31/functions/{$}", Handle: h.listFunctions},
		{Name: "GetFunction", Pattern: "GET " + fn, Handle: h.getFunction},
		{Name: "DeleteFunction", Pattern: "DELETE " + fn, Handle: h.deleteFunction},
		{Name: "GetFunctionConfiguration", Pattern: "GET " + fn + "/configuration", Handle: h.getFunctionConfiguration},
		{Name: "UpdateFunctionConfiguration", Pattern: "PUT " + fn + "/configuration", Handle: h.updateFunctionConfiguration},
		{Name: "UpdateFunctionCode", Pattern: "PUT " + fn + "/code", Handle: h.updateFunctionCode},
		{Name: "Invoke", Pattern: "POST " + fn + "/invocations", Handle: h.invoke},
		{Name: "AddPermission", Pattern: "POST " + fn + "/policy", Handle: h.addPermission},
		{Name: "GetPolicy", Pattern: "GET " + fn + "/policy", Handle: h.getPolicy},
		{Name: "RemovePermission", Pattern: "DELETE " + fn + "/policy/{StatementId}", Handle: h.removePermission},
		{Name: "PutFunctionConcurrency", Pattern: "PUT /2017-10-31/functions/{FunctionName}/concurrency", Handle: h.putFunctionConcurrency},
		{Name: "DeleteFunctionConcurrency", Pattern: "DELETE /2017-10-31/functions/{FunctionName}/concurrency", Handle: h.deleteFunctionConcurrency},
		{Name: "GetFunctionConcurrency", Pattern: "GET /2019-09-30/functions/{FunctionName}/concurrency", Handle: h.getFunctionConcurrency},
	}
}

// lowercaseMessage are the errors whose shape in Lambda's model names its
// message member "message"; the others name it "Message".
var lowercaseMessage = []string{"InvalidParameterValueException", "InvalidRequestContentException", "PreconditionFailedException",
	"RequestTooLargeException", "ResourceConflictException", "TooManyRequestsException", "ValidationException"}

// errorBody is Lambda's error shape: {"Type", "Message" or "message"} and
// the error's own members (TooManyRequestsException's Reason).
func errorBody(e *awserr.Error) any {
	key := "Message"
	if slices.Contains(lowercaseMessage, e.Code) {
		key = "message"
	}
	body := map[string]string{"Type": "User", key: e.Message}
	if e.HTTPStatus() >= 500 {
		body["Type"] = "Service"
	}
	for k, v := range e.Members {
		body[k] = v
	}
	return body
}

// decode reads a JSON request body; an empty body is an empty object.
func decode(c *awsapi.RESTCall, into any) error {
	if len(c.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, into); err != nil {
		return awserr.New("InvalidRequestContentException", "Could not parse request body into json: "+err.Error())
	}
	return nil
}

// function is the function the path names, with the Qualifier query parameter.
func function(c *awsapi.RESTCall) string {
	name := c.Request.PathValue("FunctionName")
	if q := c.Request.URL.Query().Get("Qualifier"); q != "" {
		name += ":" + q
	}
	return name
}

func (h *Handler) getFunctionConcurrency(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	f, err := h.runtime.Get(ctx, c.Request.PathValue("FunctionName"))
	if err != nil {
		return 0, nil, err
	}
	out := map[string]int64{}
	if f.ReservedConcurrency >= 0 {
		out["ReservedConcurrentExecutions"] = f.ReservedConcurrency
	}
	return http.StatusOK, out, nil
}

func (h *Handler) putFunctionConcurrency(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	var in struct{ ReservedConcurrentExecutions *int64 }
	if err := decode(c, &in); err != nil {
		return 0, nil, err
	}
	if in.ReservedConcurrentExecutions == nil {
		return 0, nil, awserr.New("ValidationException", "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	}
	n, err := h.runtime.PutConcurrency(ctx, c.Request.PathValue("FunctionName"), *in.ReservedConcurrentExecutions)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"ReservedConcurrentExecutions": n}, nil
}

func (h *Handler) deleteFunctionConcurrency(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	return http.StatusNoContent, nil, h.runtime.DeleteConcurrency(ctx, c.Request.PathValue("FunctionName"))
}

// maxItems is ListFunctions' MaxItems; 0 when absent.
func maxItems(c *awsapi.RESTCall) (int, error) {
	s := c.Request.URL.Query().Get("MaxItems")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 10000 {
		return 0, awserr.New("ValidationException", "1 validation error detected: Value '"+s+"' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000 and greater than or equal to 1")
	}
	return n, nil
}

package functions

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// runRemote invokes a function that runs elsewhere (a container platform):
// the event is POSTed to its URL with the Runtime API's headers, and the
// answer's body is the result. The endpoint reports a handler error with
// X-Amz-Function-Error and the error JSON as the body; any status other
// than 2xx is the function failing to run.
func (r *Runtime) runRemote(ctx context.Context, fn store.Function, inv *invocation) result {
	timeout := time.Duration(fn.Timeout) * time.Second
	inv.deadline = time.Now().Add(timeout)
	ctx, cancel := context.WithDeadline(ctx, inv.deadline)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fn.URL, bytes.NewReader(inv.payload))
	if err != nil {
		return remoteFailure(inv, "the endpoint URL is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	req.Header.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	req.Header.Set("Lambda-Runtime-Invoked-Function-Arn", inv.functionARN)
	setIfAny(req.Header, "Lambda-Runtime-Client-Context", inv.clientContext)
	resp, err := r.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return result{payload: timeoutMessage(inv.id, timeout), outcome: timedOut}
		}
		return remoteFailure(inv, "the endpoint could not be reached")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return result{payload: timeoutMessage(inv.id, timeout), outcome: timedOut}
	case err != nil:
		return remoteFailure(inv, "the endpoint's answer could not be read")
	case len(body) > maxResponse:
		return result{payload: errorJSON("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."), outcome: handlerFailed}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return remoteFailure(inv, "the endpoint answered "+resp.Status)
	case resp.Header.Get("X-Amz-Function-Error") != "":
		return result{payload: runtimeErrorBody(body, resp.Header.Get("Lambda-Runtime-Function-Error-Type")), outcome: handlerFailed}
	}
	return result{payload: body, outcome: succeeded}
}

func remoteFailure(inv *invocation, why string) result {
	return result{payload: errorJSON("Runtime.ExitError", "RequestId: "+inv.id+" Error: "+why), outcome: crashed}
}

func setIfAny(h http.Header, name, value string) {
	if value != "" {
		h.Set(name, value)
	}
}

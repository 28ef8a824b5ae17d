package lambdaapi

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/functions"
)

func (h *Handler) invoke(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	name := function(c)
	switch kind := c.Request.Header.Get("X-Amz-Invocation-Type"); kind {
	case "", "RequestResponse":
	case "Event":
		if _, err := h.runtime.InvokeAsync(ctx, name, c.Body); err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, &awsapi.RawAnswer{}, nil
	case "DryRun":
		return http.StatusNoContent, nil, h.runtime.DryRun(ctx, name)
	default:
		return 0, nil, awserr.New("ValidationException", "1 validation error detected: Value '"+kind+"' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	logType := c.Request.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		return 0, nil, awserr.New("ValidationException", "1 validation error detected: Value '"+logType+"' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]")
	}
	res, err := h.runtime.Invoke(ctx, functions.Request{Function: name, Payload: c.Body,
		ClientContext: c.Request.Header.Get("X-Amz-Client-Context"), LogTail: logType == "Tail"})
	if err != nil {
		return 0, nil, err
	}
	out := &awsapi.RawAnswer{Header: http.Header{"Content-Type": {"application/json"}, "X-Amz-Executed-Version": {res.Version}}, Body: res.Payload}
	if res.FunctionError != "" {
		out.Header.Set("X-Amz-Function-Error", res.FunctionError)
	}
	if logType == "Tail" {
		out.Header.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(res.Log))
	}
	return http.StatusOK, out, nil
}

package functions

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Payload limits, as Lambda's: synchronous and asynchronous invocations.
const (
	MaxPayload      = 6 << 20
	MaxEventPayload = 256 << 10
	maxClientCtx    = 3583
)

// FunctionErrorUnhandled is X-Amz-Function-Error for a failed handler.
const FunctionErrorUnhandled = "Unhandled"

// Request is one synchronous invocation.
type Request struct {
	Function string // a name, ARN or partial ARN, optionally ":qualifier"
	Payload  []byte // the event, JSON; empty means {}
	// ClientContext is X-Amz-Client-Context: base64 of a JSON object.
	ClientContext string
	// LogTail asks for the invocation's log in Response.Log (LogType Tail).
	LogTail bool
}

// Response is what an invocation returned.
type Response struct {
	Payload []byte
	// FunctionError is "" or FunctionErrorUnhandled; Payload then holds
	// {"errorMessage","errorType",…} as the runtime or Lambda wrote it.
	FunctionError string
	Log           []byte // with LogTail, the invocation's last 4 KB of log
	Version       string // X-Amz-Executed-Version
}

// Invoke runs a function synchronously (RequestResponse). A failed handler,
// a timeout or a crash is a Response with FunctionError set, as Lambda
// answers; err is for invocations refused (not found, throttled, bad input).
func (r *Runtime) Invoke(ctx context.Context, req Request) (*Response, error) {
	clientContext, err := decodeClientContext(req.ClientContext)
	if err != nil {
		return nil, err
	}
	payload, err := checkPayload(req.Payload, MaxPayload)
	if err != nil {
		return nil, err
	}
	return r.invoke(ctx, req.Function, payload, clientContext, req.LogTail, func(*invocable) error { return nil })
}

// InvokeFunction runs function (a name, a function ARN or partial ARN, optionally "name:qualifier") synchronously with payload as the event,
// for a service: principal is "apigateway.amazonaws.com" or "cognito-idp.amazonaws.com", and sourceARN (for the gateway, the method's
// execute-api ARN) is checked against the function's AddPermission statements when it has a policy (no policy: allowed, as moat's admin
// created both). As on Lambda's Invoke, a handler that failed, crashed or timed out is a function error: functionError "Unhandled" and
// Lambda's error JSON {"errorMessage","errorType",…} as result; err says the function could not be invoked (not found, not permitted,
// throttled, a payload too large). The payload is JSON its caller built (an event, a trigger's request), so
// only its size is checked: a service's every call is not scanned again.
func (r *Runtime) InvokeFunction(ctx context.Context, principal, function, sourceARN string, payload []byte) (result []byte, functionError string, err error) {
	if err := checkSize(payload, MaxPayload); err != nil {
		return nil, "", err
	}
	res, err := r.invoke(ctx, function, orEmptyEvent(payload), "", false, func(c *invocable) error { return r.authorize(c, principal, sourceARN) })
	if err != nil {
		return nil, "", err
	}
	return res.Payload, res.FunctionError, nil
}

// invoke is every synchronous invocation, its payload checked: the
// function found and admitted, run, its outcome as Lambda reports it.
func (r *Runtime) invoke(ctx context.Context, function string, payload []byte, clientContext string, tail bool, admit func(*invocable) error) (*Response, error) {
	c, ref, err := r.lookup(ctx, function)
	if err != nil {
		return nil, err
	}
	if err := admit(c); err != nil {
		return nil, err
	}
	res, err := r.run(ctx, c.fn, ref, payload, clientContext, tail)
	if err != nil {
		return nil, err
	}
	out := &Response{Payload: res.payload, Log: res.log, Version: latest}
	if res.outcome != succeeded {
		out.FunctionError = FunctionErrorUnhandled
	}
	return out, nil
}

// DryRun checks that the function exists and the caller may invoke it.
func (r *Runtime) DryRun(ctx context.Context, function string) error {
	_, _, err := r.lookup(ctx, function)
	return err
}

// checkPayload is the event as runtimes get it: JSON, at most limit bytes.
func checkPayload(b []byte, limit int) ([]byte, error) {
	if err := checkSize(b, limit); err != nil {
		return nil, err
	}
	if len(b) > 0 && !json.Valid(b) {
		return nil, awserr.New(codeInvalidContent, "Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value")
	}
	return orEmptyEvent(b), nil
}

func checkSize(b []byte, limit int) error {
	if len(b) > limit {
		return &awserr.Error{Code: codeTooLarge, Status: 413,
			Message: "Request must be smaller than " + strconv.Itoa(limit) + " bytes for the InvokeFunction operation"}
	}
	return nil
}

// orEmptyEvent is an empty payload as Lambda hands it on: {}.
func orEmptyEvent(b []byte) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// decodeClientContext is X-Amz-Client-Context as the runtime gets it:
// the JSON object its base64 holds.
func decodeClientContext(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	bad := invalidParam("Client context must be a valid Base64-encoded JSON object.")
	if len(s) > maxClientCtx {
		return "", invalidParam("Client context must be less than %d bytes.", maxClientCtx)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", bad
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil || obj == nil {
		return "", bad
	}
	return string(b), nil
}

// run invokes fn: on its remote endpoint, or on a warm worker or a new one;
// with tail, the result has the invocation's log.
func (r *Runtime) run(ctx context.Context, fn store.Function, ref reference, payload []byte, clientContext string, tail bool) (result, error) {
	if fn.URL == "" {
		if err := r.checkMemoryEnforced(false); err != nil {
			return result{}, err
		}
	}
	inv := &invocation{id: uuid.NewString(), payload: payload, functionARN: r.qualified(ref),
		clientContext: clientContext, tail: tail, done: make(chan answer, 1)}
	p, w, err := r.acquire(fn)
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	var res result
	if fn.URL != "" {
		res = r.runRemote(ctx, fn, inv)
	} else {
		w, res = r.runLocal(ctx, fn, p, w, inv)
	}
	took := time.Since(start)
	r.release(p, w, res.outcome == succeeded || res.outcome == handlerFailed)
	p.metrics.invoked(took, res.outcome != succeeded)
	return res, nil
}

// runLocal runs inv on w, or on a worker it starts when w is nil; it
// returns the worker to release (nil when none started).
func (r *Runtime) runLocal(ctx context.Context, fn store.Function, p *pool, w *worker, inv *invocation) (*worker, result) {
	initMs := 0.0
	if w == nil {
		p.metrics.coldStart()
		root, err := r.taskRoot(ctx, fn)
		if err == nil {
			w, err = r.startWorker(ctx, fn, root)
		}
		var entry entrypointError
		switch {
		case errors.As(err, &entry):
			return nil, result{payload: errorJSON("Runtime.InvalidEntrypoint", "RequestId: "+inv.id+" Error: "+entry.Error()), outcome: crashed}
		case err != nil:
			r.logger.Error("function worker failed to start", "function", fn.Name, "request_id", inv.id, "error", err)
			return nil, result{payload: errorJSON("Runtime.Unknown", "RequestId: "+inv.id+" Error: the runtime could not be started"), outcome: crashed}
		}
		if !r.started(p, w) {
			w.kill()
			return nil, result{payload: errorJSON("Runtime.Unknown", "RequestId: "+inv.id+" Error: moat is shutting down"), outcome: crashed}
		}
		w.out.begin(inv.id)
		if res := w.init(inv); res != nil {
			res.log = w.finish(inv, 0, float64(time.Since(w.started).Microseconds())/1000)
			return w, *res
		}
		initMs = w.initMs
	} else {
		w.out.begin(inv.id)
	}
	start := time.Now()
	inv.deadline = start.Add(time.Duration(fn.Timeout) * time.Second)
	res := w.invoke(inv)
	res.log = w.finish(inv, float64(time.Since(start).Microseconds())/1000, initMs)
	return w, res
}

package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// outcome is how one trigger invocation ended, as metrics and logs say it.
type outcome string

const (
	succeeded       outcome = "ok"
	functionFailed  outcome = "function_error"
	timedOut        outcome = "timeout"
	notInvoked      outcome = "invoke_error"
	invalidResponse outcome = "invalid_response"
)

// Cognito's trigger errors.
const (
	codeValidation     = "UserLambdaValidationException"
	codeUnexpected     = "UnexpectedLambdaException"
	codeInvalidReply   = "InvalidLambdaResponseException"
	unrecognizedOutput = "Unrecognizable lambda output"
	socketTimeout      = "Socket timeout while invoking Lambda function"
)

var errInvalidReply = awserr.New(codeInvalidReply, unrecognizedOutput)

// header is the envelope every event shares. clientId is
// CLIENT_ID_NOT_APPLICABLE for calls that name no client, as in Cognito.
func (t *Triggers) header(version, source string, c signin.Call, username string) events.CognitoEventUserPoolsHeader {
	client := c.ClientID
	if client == "" {
		client = "CLIENT_ID_NOT_APPLICABLE"
	}
	return events.CognitoEventUserPoolsHeader{Version: version, TriggerSource: source, Region: t.region, UserPoolID: c.PoolID,
		CallerContext: events.CognitoEventUserPoolsCallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown", ClientID: client},
		UserName:      username}
}

// run sends event to the function of trigger (its LambdaConfig key) and
// decodes the function's answer, which must be the event with its
// response, into reply. Every failure is Cognito's error for it.
func (t *Triggers) run(ctx context.Context, trigger, function string, c signin.Call, event, reply any) error {
	payload, err := json.Marshal(event)
	if err != nil {
		return awserr.Internal(err)
	}
	start := time.Now()
	result, functionError, err := t.attempt(ctx, function, t.poolARN(c), payload)
	o, err := t.answer(trigger, result, functionError, err, reply)
	t.record(ctx, trigger, function, c, o, time.Since(start))
	return err
}

// poolARN is the call's pool, the source a function's policy names.
func (t *Triggers) poolARN(c signin.Call) string {
	return "arn:aws:cognito-idp:" + t.region + ":" + t.account + ":userpool/" + c.PoolID
}

// record counts and logs one invocation.
func (t *Triggers) record(ctx context.Context, trigger, function string, c signin.Call, o outcome, took time.Duration) {
	t.metrics.invoked(trigger, o, took)
	t.log.Info("user-pool trigger invoked", "pool", c.PoolID, "trigger", trigger, "function", function,
		"request_id", awsapi.RequestFrom(ctx).ID, "outcome", string(o), "duration_ms", took.Milliseconds())
}

// errTimedOut: no attempt answered within the limit.
var errTimedOut = errors.New("trigger timed out")

// attempt invokes the function, giving each attempt the limit and trying
// again after a timeout, as Cognito does. An attempt that runs over keeps
// running to its own Timeout, as on Lambda; its answer is dropped.
func (t *Triggers) attempt(ctx context.Context, function, sourceARN string, payload []byte) ([]byte, string, error) {
	type answer struct {
		result        []byte
		functionError string
		err           error
	}
	for range attempts {
		done := make(chan answer, 1)
		go func() {
			result, functionError, err := t.functions.InvokeFunction(context.WithoutCancel(ctx), Principal, function, sourceARN, payload)
			done <- answer{result, functionError, err}
		}()
		timer := time.NewTimer(t.limit)
		select {
		case a := <-done:
			timer.Stop()
			return a.result, a.functionError, a.err
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, "", ctx.Err()
		}
	}
	return nil, "", errTimedOut
}

// answer turns an invocation's outcome into the trigger's result: reply
// decoded, or Cognito's error.
func (t *Triggers) answer(trigger string, result []byte, functionError string, err error, reply any) (outcome, error) {
	switch {
	case errors.Is(err, errTimedOut):
		return timedOut, awserr.Newf(codeUnexpected, "%s invocation failed due to error %s.", trigger, socketTimeout)
	case err != nil:
		e, ok := awserr.As(err)
		if !ok {
			return notInvoked, awserr.Internal(err)
		}
		return notInvoked, awserr.Newf(codeUnexpected, "%s invocation failed due to error %s.", trigger, e.Code)
	case functionError != "":
		var failure struct {
			ErrorMessage string `json:"errorMessage"`
		}
		_ = json.Unmarshal(result, &failure) // Lambda's error JSON; an unreadable one says nothing
		return functionFailed, awserr.Newf(codeValidation, "%s failed with error %s.", trigger, failure.ErrorMessage)
	}
	if err := decodeReply(result, reply); err != nil {
		return invalidResponse, errInvalidReply
	}
	return succeeded, nil
}

// decodeReply reads the function's answer: the event, a JSON object whose
// response is an object (or null, nothing set). Anything else is not an
// answer Cognito recognises.
func decodeReply(result []byte, reply any) error {
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(result, &envelope); err != nil || envelope == nil {
		return fmt.Errorf("the answer is not a JSON object")
	}
	response, ok := envelope["response"]
	if !ok || !bytes.HasPrefix(bytes.TrimSpace(response), []byte("{")) && !bytes.Equal(bytes.TrimSpace(response), []byte("null")) {
		return fmt.Errorf("the answer has no response object")
	}
	return json.Unmarshal(result, reply)
}

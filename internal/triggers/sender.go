package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// senderEvent is Cognito's CustomEmailSender and CustomSMSSender event,
// which aws-lambda-go has no type for. Code is sealed (package codeseal).
type senderEvent struct {
	events.CognitoEventUserPoolsHeader
	Request senderRequest `json:"request"`
}

type senderRequest struct {
	Type           string            `json:"type"`
	Code           string            `json:"code"`
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

var errNoSeals = errors.New("custom senders need code seals (triggers.Config.Seals)")

// SendCode hands a code to the pool's custom sender for the event's
// medium. As Cognito, it does not wait for the function: the event is
// queued (and retried as Lambda retries Event invocations), so only a
// function that cannot be invoked fails the call.
func (t *Triggers) SendCode(ctx context.Context, e *signin.SenderEvent) error {
	sender := e.Triggers.Sender(e.Medium)
	if sender == nil {
		return nil
	}
	if t.seals == nil {
		return awserr.Internal(errNoSeals)
	}
	trigger, request := "CustomEmailSender", "customEmailSenderRequestV1"
	if e.Medium == signin.SenderSMS {
		trigger, request = "CustomSMSSender", "customSMSSenderRequestV1"
	}
	code, err := t.seals.Seal(sender.LambdaArn, e.Code)
	if err != nil {
		return awserr.Internal(err)
	}
	source := trigger + "_" + strings.TrimPrefix(string(e.Source), "CustomMessage_")
	payload, err := json.Marshal(senderEvent{CognitoEventUserPoolsHeader: t.header("1", source, e.Call, e.Username),
		Request: senderRequest{Type: request, Code: code, UserAttributes: e.UserAttributes, ClientMetadata: e.ClientMetadata}})
	if err != nil {
		return awserr.Internal(err)
	}
	start := time.Now()
	o := succeeded
	if _, err = t.functions.InvokeFunctionAsync(ctx, Principal, sender.LambdaArn, t.poolARN(e.Call), payload); err != nil {
		o, err = t.answer(trigger, nil, "", err, nil)
	}
	t.record(ctx, trigger, sender.LambdaArn, e.Call, o, time.Since(start))
	return err
}

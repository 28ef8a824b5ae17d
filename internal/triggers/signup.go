package triggers

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// PreSignUp runs the pool's PreSignUp function, if any.
func (t *Triggers) PreSignUp(ctx context.Context, e *signin.PreSignUpEvent) error {
	if e.Triggers == nil || e.Triggers.PreSignUp == "" {
		return nil
	}
	event := events.CognitoEventUserPoolsPreSignup{
		CognitoEventUserPoolsHeader: t.header("1", string(e.Source), e.Call, e.Username),
		Request:                     events.CognitoEventUserPoolsPreSignupRequest{UserAttributes: e.UserAttributes, ValidationData: e.ValidationData, ClientMetadata: e.ClientMetadata},
	}
	var reply events.CognitoEventUserPoolsPreSignup
	if err := t.run(ctx, "PreSignUp", e.Triggers.PreSignUp, e.Call, event, &reply); err != nil {
		return err
	}
	e.AutoConfirmUser, e.AutoVerifyEmail, e.AutoVerifyPhone = reply.Response.AutoConfirmUser, reply.Response.AutoVerifyEmail, reply.Response.AutoVerifyPhone
	return nil
}

// PostConfirmation runs the pool's PostConfirmation function, if any.
func (t *Triggers) PostConfirmation(ctx context.Context, e *signin.ConfirmationEvent) error {
	if e.Triggers == nil || e.Triggers.PostConfirmation == "" {
		return nil
	}
	event := events.CognitoEventUserPoolsPostConfirmation{
		CognitoEventUserPoolsHeader: t.header("1", string(e.Source), e.Call, e.Username),
		Request:                     events.CognitoEventUserPoolsPostConfirmationRequest{UserAttributes: e.UserAttributes, ClientMetadata: e.ClientMetadata},
	}
	var reply events.CognitoEventUserPoolsPostConfirmation
	return t.run(ctx, "PostConfirmation", e.Triggers.PostConfirmation, e.Call, event, &reply)
}

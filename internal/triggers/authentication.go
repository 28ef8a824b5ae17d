package triggers

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// PreAuthentication runs the pool's PreAuthentication function, if any; the
// sign-in's ClientMetadata reaches it as validationData, as in Cognito.
func (t *Triggers) PreAuthentication(ctx context.Context, e *signin.AuthenticationEvent) error {
	if e.Triggers == nil || e.Triggers.PreAuthentication == "" {
		return nil
	}
	event := events.CognitoEventUserPoolsPreAuthentication{
		CognitoEventUserPoolsHeader: t.header("1", "PreAuthentication_Authentication", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsPreAuthenticationRequest{UserAttributes: e.UserAttributes,
			ValidationData: e.ClientMetadata, UserNotFound: e.UserNotFound},
	}
	var reply events.CognitoEventUserPoolsPreAuthentication
	return t.run(ctx, "PreAuthentication", e.Triggers.PreAuthentication, e.Call, event, &reply)
}

// PostAuthentication runs the pool's PostAuthentication function, if any.
func (t *Triggers) PostAuthentication(ctx context.Context, e *signin.AuthenticationEvent) error {
	if e.Triggers == nil || e.Triggers.PostAuthentication == "" {
		return nil
	}
	event := events.CognitoEventUserPoolsPostAuthentication{
		CognitoEventUserPoolsHeader: t.header("1", "PostAuthentication_Authentication", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsPostAuthenticationRequest{UserAttributes: e.UserAttributes,
			NewDeviceUsed: e.NewDevice, ClientMetadata: e.ClientMetadata},
	}
	var reply events.CognitoEventUserPoolsPostAuthentication
	return t.run(ctx, "PostAuthentication", e.Triggers.PostAuthentication, e.Call, event, &reply)
}

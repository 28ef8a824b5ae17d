package triggers

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// InboundFederation runs the pool's InboundFederation function, if any,
// with what the provider sent.
func (t *Triggers) InboundFederation(ctx context.Context, e *signin.FederationEvent) error {
	if e.Triggers == nil || e.Triggers.InboundFederation == nil {
		return nil
	}
	a := e.Attributes
	event := events.CognitoEventUserPoolsInboundFederation{
		CognitoEventUserPoolsHeader: t.header("1", "InboundFederation_ExternalProvider", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsInboundFederationRequest{ProviderName: e.ProviderName,
			ProviderType: events.CognitoFederationProviderType(e.ProviderType),
			Attributes: events.CognitoEventUserPoolsInboundFederationAttributes{TokenResponse: a.TokenResponse, IDToken: a.IDToken,
				UserInfo: a.UserInfo, SAMLResponse: a.SAMLResponse}},
		Response: events.CognitoEventUserPoolsInboundFederationResponse{UserAttributesToMap: map[string]string{}},
	}
	var reply events.CognitoEventUserPoolsInboundFederation
	if err := t.run(ctx, "InboundFederation", e.Triggers.InboundFederation.LambdaArn, e.Call, event, &reply); err != nil {
		return err
	}
	e.UserAttributesToMap = reply.Response.UserAttributesToMap
	return nil
}

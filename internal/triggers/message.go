package triggers

import (
	"context"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// CustomMessage runs the pool's CustomMessage function, if any. A message
// it sets must carry the code placeholder (and the username's, when asked
// for), or Cognito refuses the answer.
func (t *Triggers) CustomMessage(ctx context.Context, e *signin.MessageEvent) error {
	if e.Triggers == nil || e.Triggers.CustomMessage == "" {
		return nil
	}
	attrs := make(map[string]any, len(e.UserAttributes))
	for k, v := range e.UserAttributes {
		attrs[k] = v
	}
	event := events.CognitoEventUserPoolsCustomMessage{
		CognitoEventUserPoolsHeader: t.header("1", string(e.Source), e.Call, e.Username),
		Request: events.CognitoEventUserPoolsCustomMessageRequest{UserAttributes: attrs, CodeParameter: signin.CodePlaceholder,
			UsernameParameter: e.UsernameParameter, ClientMetadata: e.ClientMetadata},
	}
	var reply events.CognitoEventUserPoolsCustomMessage
	if err := t.run(ctx, "CustomMessage", e.Triggers.CustomMessage, e.Call, event, &reply); err != nil {
		return err
	}
	r := reply.Response
	for _, m := range []string{r.EmailMessage, r.SMSMessage} {
		if m == "" {
			continue
		}
		if !strings.Contains(m, signin.CodePlaceholder) || e.UsernameParameter != "" && !strings.Contains(m, e.UsernameParameter) {
			return errInvalidReply
		}
	}
	e.EmailMessage, e.EmailSubject, e.SMSMessage = r.EmailMessage, r.EmailSubject, r.SMSMessage
	return nil
}

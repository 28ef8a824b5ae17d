package triggers

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// MigrateUser runs the pool's UserMigration function, if any, for a user
// the pool does not have. The sign-in's ClientMetadata reaches it as
// validationData and clientMetadata. An answer without userAttributes
// vouches for no one.
func (t *Triggers) MigrateUser(ctx context.Context, e *signin.MigrationEvent) (*signin.MigratedUser, error) {
	if e.Triggers == nil || e.Triggers.UserMigration == "" {
		return nil, nil
	}
	event := events.CognitoEventUserPoolsMigrateUser{
		CognitoEventUserPoolsHeader: t.header("1", string(e.Source), e.Call, e.Username),
		CognitoEventUserPoolsMigrateUserRequest: events.CognitoEventUserPoolsMigrateUserRequest{Password: e.Password,
			ValidationData: e.ClientMetadata, ClientMetadata: e.ClientMetadata},
	}
	var reply events.CognitoEventUserPoolsMigrateUser
	if err := t.run(ctx, "UserMigration", e.Triggers.UserMigration, e.Call, event, &reply); err != nil {
		return nil, err
	}
	r := reply.CognitoEventUserPoolsMigrateUserResponse
	if len(r.UserAttributes) == 0 {
		return nil, nil
	}
	m := &signin.MigratedUser{UserAttributes: r.UserAttributes, FinalStatus: signin.Confirmed,
		SuppressMessage: r.MessageAction == "SUPPRESS", ForceAliasCreation: r.ForceAliasCreation}
	switch r.FinalUserStatus {
	case "", string(signin.Confirmed):
	case string(signin.ResetRequired):
		m.FinalStatus = signin.ResetRequired
	default:
		return nil, errInvalidReply
	}
	switch r.MessageAction {
	case "", "SUPPRESS", "RESEND":
	default:
		return nil, errInvalidReply
	}
	return m, nil
}

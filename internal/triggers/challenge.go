package triggers

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Serves: the pool has all three custom-challenge functions, so CUSTOM_AUTH
// runs them instead of the built-in wallet sign-in.
func (t *Triggers) Serves(c signin.Call) bool { return c.Triggers.CustomAuth() }

// DefineAuthChallenge runs the pool's DefineAuthChallenge function.
func (t *Triggers) DefineAuthChallenge(ctx context.Context, e *signin.DefineAuthChallengeEvent) error {
	event := events.CognitoEventUserPoolsDefineAuthChallenge{
		CognitoEventUserPoolsHeader: t.header("1", "DefineAuthChallenge_Authentication", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsDefineAuthChallengeRequest{UserAttributes: e.UserAttributes,
			Session: session(e.Session), ClientMetadata: e.ClientMetadata, UserNotFound: e.UserNotFound},
	}
	var reply events.CognitoEventUserPoolsDefineAuthChallenge
	if err := t.run(ctx, "DefineAuthChallenge", e.Triggers.DefineAuthChallenge, e.Call, event, &reply); err != nil {
		return err
	}
	r := reply.Response
	e.ChallengeName, e.IssueTokens, e.FailAuthentication = signin.ChallengeName(r.ChallengeName), r.IssueTokens, r.FailAuthentication
	return nil
}

// CreateAuthChallenge runs the pool's CreateAuthChallenge function.
func (t *Triggers) CreateAuthChallenge(ctx context.Context, e *signin.CreateAuthChallengeEvent) error {
	event := events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: t.header("1", "CreateAuthChallenge_Authentication", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{UserAttributes: e.UserAttributes,
			ChallengeName: string(e.ChallengeName), Session: session(e.Session), ClientMetadata: e.ClientMetadata, UserNotFound: e.UserNotFound},
	}
	var reply events.CognitoEventUserPoolsCreateAuthChallenge
	if err := t.run(ctx, "CreateAuthChallenge", e.Triggers.CreateAuthChallenge, e.Call, event, &reply); err != nil {
		return err
	}
	r := reply.Response
	e.PublicChallengeParameters, e.PrivateChallengeParameters, e.ChallengeMetadata = r.PublicChallengeParameters, r.PrivateChallengeParameters, r.ChallengeMetadata
	return nil
}

// VerifyAuthChallengeResponse runs the pool's VerifyAuthChallengeResponse function.
func (t *Triggers) VerifyAuthChallengeResponse(ctx context.Context, e *signin.VerifyAuthChallengeEvent) error {
	event := events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: t.header("1", "VerifyAuthChallengeResponse_Authentication", e.Call, e.Username),
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{UserAttributes: e.UserAttributes,
			PrivateChallengeParameters: e.PrivateChallengeParameters, ChallengeAnswer: e.ChallengeAnswer,
			ClientMetadata: e.ClientMetadata, UserNotFound: e.UserNotFound},
	}
	var reply events.CognitoEventUserPoolsVerifyAuthChallenge
	if err := t.run(ctx, "VerifyAuthChallengeResponse", e.Triggers.VerifyAuthChallengeResponse, e.Call, event, &reply); err != nil {
		return err
	}
	e.AnswerCorrect = reply.Response.AnswerCorrect
	return nil
}

// session is the loop's rounds as the event carries them ([] at first).
func session(rounds []signin.ChallengeResult) []*events.CognitoEventUserPoolsChallengeResult {
	out := make([]*events.CognitoEventUserPoolsChallengeResult, 0, len(rounds))
	for _, r := range rounds {
		out = append(out, &events.CognitoEventUserPoolsChallengeResult{ChallengeName: string(r.ChallengeName),
			ChallengeResult: r.ChallengeResult, ChallengeMetadata: r.ChallengeMetadata})
	}
	return out
}

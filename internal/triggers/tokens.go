package triggers

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// PreTokenGeneration runs the pool's pre-token-generation function, if
// any, with the event of its configured version: V1_0 edits the ID token,
// V2_0 both tokens and the access token's scopes, V3_0 the same (its event
// says version 3) and is also run for client_credentials tokens.
func (t *Triggers) PreTokenGeneration(ctx context.Context, e *signin.TokenGenerationEvent) error {
	if e.Triggers == nil || e.Triggers.PreTokenGenerationConfig == nil {
		return nil
	}
	config := e.Triggers.PreTokenGenerationConfig
	groups := events.GroupConfiguration{GroupsToOverride: orEmpty(e.Groups.Groups), IAMRolesToOverride: orEmpty(e.Groups.IAMRoles)}
	if e.Groups.PreferredRole != "" {
		groups.PreferredRole = &e.Groups.PreferredRole
	}
	switch config.LambdaVersion {
	case signin.TokenEventV2:
		return t.preTokenGenerationV2(ctx, "2", config.LambdaArn, e, groups)
	case signin.TokenEventV3:
		return t.preTokenGenerationV2(ctx, "3", config.LambdaArn, e, groups)
	}
	// The response arrives empty (claimsOverrideDetails null), as
	// Cognito sends it, so that an event returned unchanged changes nothing.
	event := tokenEvent[events.CognitoEventUserPoolsPreTokenGenRequest]{
		CognitoEventUserPoolsHeader: t.header("1", string(e.Source), e.Call, e.Username),
		Request:                     events.CognitoEventUserPoolsPreTokenGenRequest{UserAttributes: e.UserAttributes, GroupConfiguration: groups, ClientMetadata: e.ClientMetadata},
		Response:                    map[string]any{"claimsOverrideDetails": nil},
	}
	var reply events.CognitoEventUserPoolsPreTokenGen
	var present groupOverridePresence
	if err := t.run(ctx, "PreTokenGeneration", config.LambdaArn, e.Call, event, &multiReply{&reply, &present}); err != nil {
		return err
	}
	d := reply.Response.ClaimsOverrideDetails
	e.ID = signin.ClaimChanges{AddOrOverride: map[string]any{}, Suppress: d.ClaimsToSuppress}
	for k, v := range d.ClaimsToAddOrOverride {
		e.ID.AddOrOverride[k] = v
	}
	if isSet(present.Response.ClaimsOverrideDetails.GroupOverrideDetails) {
		e.GroupOverride = groupOverride(d.GroupOverrideDetails)
	}
	return nil
}

// preTokenGenerationV2 sends the V2_0 event, which V3_0 shares with its
// own version number.
func (t *Triggers) preTokenGenerationV2(ctx context.Context, version, function string, e *signin.TokenGenerationEvent, groups events.GroupConfiguration) error {
	event := tokenEvent[events.CognitoEventUserPoolsPreTokenGenV2Request]{
		CognitoEventUserPoolsHeader: t.header(version, string(e.Source), e.Call, e.Username),
		Request: events.CognitoEventUserPoolsPreTokenGenV2Request{UserAttributes: e.UserAttributes, GroupConfiguration: groups,
			ClientMetadata: e.ClientMetadata, Scopes: orEmpty(e.Scopes)},
		Response: map[string]any{"claimsAndScopeOverrideDetails": nil},
	}
	var reply events.CognitoEventUserPoolsPreTokenGenV2_0
	var present groupOverridePresence
	if err := t.run(ctx, "PreTokenGeneration", function, e.Call, event, &multiReply{&reply, &present}); err != nil {
		return err
	}
	d := reply.Response.ClaimsAndScopeOverrideDetails
	e.ID = signin.ClaimChanges{AddOrOverride: d.IDTokenGeneration.ClaimsToAddOrOverride, Suppress: d.IDTokenGeneration.ClaimsToSuppress}
	e.Access = signin.ClaimChanges{AddOrOverride: d.AccessTokenGeneration.ClaimsToAddOrOverride, Suppress: d.AccessTokenGeneration.ClaimsToSuppress}
	e.ScopesToAdd, e.ScopesToRemove = d.AccessTokenGeneration.ScopesToAdd, d.AccessTokenGeneration.ScopesToSuppress
	if isSet(present.Response.ClaimsAndScopeOverrideDetails.GroupOverrideDetails) {
		e.GroupOverride = groupOverride(events.GroupConfiguration(d.GroupOverrideDetails))
	}
	return nil
}

// tokenEvent is a pre-token-generation event with the empty response
// Cognito sends.
type tokenEvent[R any] struct {
	events.CognitoEventUserPoolsHeader
	Request  R              `json:"request"`
	Response map[string]any `json:"response"`
}

// groupOverridePresence tells a groupOverrideDetails the function set
// (which replaces the groups, emptied if it names none) from none.
type groupOverridePresence struct {
	Response struct {
		ClaimsOverrideDetails struct {
			GroupOverrideDetails json.RawMessage `json:"groupOverrideDetails"`
		} `json:"claimsOverrideDetails"`
		ClaimsAndScopeOverrideDetails struct {
			GroupOverrideDetails json.RawMessage `json:"groupOverrideDetails"`
		} `json:"claimsAndScopeOverrideDetails"`
	} `json:"response"`
}

// isSet: the member was sent, and not as null.
func isSet(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// multiReply decodes one answer into several shapes.
type multiReply []any

func (m *multiReply) UnmarshalJSON(b []byte) error {
	for _, v := range *m {
		if err := json.Unmarshal(b, v); err != nil {
			return err
		}
	}
	return nil
}

func groupOverride(g events.GroupConfiguration) *signin.GroupConfiguration {
	out := &signin.GroupConfiguration{Groups: g.GroupsToOverride, IAMRoles: g.IAMRolesToOverride}
	if g.PreferredRole != nil {
		out.PreferredRole = *g.PreferredRole
	}
	return out
}

// orEmpty sends an empty list as [], as Cognito does, not null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

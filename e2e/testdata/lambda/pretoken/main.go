// Command pretoken is the PreTokenGeneration V2_0 trigger the trigger e2e
// test deploys as provided.al2023: it adds a claim to both tokens (a list
// to the ID token), a scope to the access token, suppresses the ID token's
// email, and keeps the user's groups. It writes each event to $EVENTS_DIR,
// named by its triggerSource, for the test to read back.
package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, e events.CognitoEventUserPoolsPreTokenGenV2_0) (events.CognitoEventUserPoolsPreTokenGenV2_0, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	if err := os.WriteFile(filepath.Join(os.Getenv("EVENTS_DIR"), e.TriggerSource+".json"), raw, 0o600); err != nil {
		return e, err
	}
	d := &e.Response.ClaimsAndScopeOverrideDetails
	d.IDTokenGeneration.ClaimsToAddOrOverride = map[string]any{"tier": "gold", "features": []string{"beta", "reports"}}
	d.IDTokenGeneration.ClaimsToSuppress = []string{"email"}
	d.AccessTokenGeneration.ClaimsToAddOrOverride = map[string]any{"tier": "gold"}
	d.AccessTokenGeneration.ScopesToAdd = []string{"orders/read"}
	// A group override replaces the groups, so copy them to keep them.
	d.GroupOverrideDetails = e.Request.GroupConfiguration
	return e, nil
}

func main() { lambda.Start(handle) }

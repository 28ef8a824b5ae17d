package apigatewayapi

import (
	"context"
	"errors"
	"testing"

	"github.com/moat-dev/moat/internal/usage"
)

// A stage removed by UpdateUsagePlan leaves the plan, in what GetUsagePlan
// answers and in what the gateway admits.
func TestRemovedStageLeavesThePlan(t *testing.T) {
	s := newServer(t)
	p := s.mustStatus("POST", "/usageplans", map[string]any{"name": "gold",
		"apiStages": []map[string]any{{"apiId": "api1", "stage": "prod"}, {"apiId": "api1", "stage": "beta"}}}, 201, "")
	id := p["id"].(string)
	key := s.mustStatus("POST", "/apikeys", map[string]any{"name": "k", "enabled": true}, 201, "")
	s.mustStatus("POST", "/usageplans/"+id+"/keys", map[string]any{"keyId": key["id"], "keyType": "API_KEY"}, 201, "")
	check := func(stage string) error {
		_, err := s.svc.Check(context.Background(), usage.Request{APIID: "api1", Stage: stage, Method: "GET", ResourcePath: "/", APIKey: key["value"].(string), KeyRequired: true})
		return err
	}
	if err := check("beta"); err != nil {
		t.Fatalf("the key on a stage of its plan: %v", err)
	}

	s.mustStatus("PATCH", "/usageplans/"+id, map[string]any{"patchOperations": []map[string]string{{"op": "remove", "path": "/apiStages", "value": "api1:beta"}}}, 200, "")
	got := s.mustStatus("GET", "/usageplans/"+id, nil, 200, "")
	if stages := got["apiStages"].([]any); len(stages) != 1 || stages[0].(map[string]any)["stage"] != "prod" {
		t.Fatalf("after removing api1:beta the plan covers %v", stages)
	}
	var refused *usage.Error
	if err := check("beta"); !errors.As(err, &refused) || refused.Kind != usage.InvalidAPIKey {
		t.Fatalf("the key on the removed stage: %v, want %s", err, usage.InvalidAPIKey)
	}
	if err := check("prod"); err != nil {
		t.Fatalf("the key on the stage kept: %v", err)
	}
}

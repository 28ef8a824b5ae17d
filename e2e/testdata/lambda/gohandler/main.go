// Command gohandler is the aws-lambda-go function the e2e tests deploy as
// provided.al2023: it echoes events, fails or sleeps on request, and
// answers as a REST API's proxy backend and TOKEN authorizer.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// version is set with -ldflags to tell one build of the code from the next.
var version = "v1"

type event struct {
	Type               string  `json:"type"`
	AuthorizationToken string  `json:"authorizationToken"`
	MethodArn          string  `json:"methodArn"`
	HTTPMethod         string  `json:"httpMethod"`
	Mode               string  `json:"mode"`
	Sleep              float64 `json:"sleep"`
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	fmt.Println("go handler invoked", version)
	switch {
	case e.Type == "TOKEN":
		return authorize(e)
	case e.HTTPMethod != "":
		var req events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		body, _ := json.Marshal(map[string]any{"principalId": req.RequestContext.Authorizer["principalId"], "path": req.Path})
		return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}, nil
	}
	switch e.Mode {
	case "fail":
		return nil, errors.New("go handler failed")
	case "sleep":
		time.Sleep(time.Duration(e.Sleep * float64(time.Second)))
	}
	return map[string]any{"runtime": "go", "version": version, "event": raw}, nil
}

func authorize(e event) (any, error) {
	effect := ""
	switch e.AuthorizationToken {
	case "allow":
		effect = "Allow"
	case "deny":
		effect = "Deny"
	default:
		return nil, errors.New("Unauthorized")
	}
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: "user-42",
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version:   "2012-10-17",
			Statement: []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{e.MethodArn}}},
		},
	}, nil
}

func main() { lambda.Start(handle) }

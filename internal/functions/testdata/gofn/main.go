// Command gofn is the aws-lambda-go function the benchmarks run as
// provided.al2023: it answers an HTTP API's payload 2.0 event as a small
// JSON backend would.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "application/json"},
		Body: `{"id":"` + req.PathParameters["id"] + `","name":"moat"}`}, nil
}

func main() { lambda.Start(handle) }

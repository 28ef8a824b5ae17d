// Command function is the bench's Go function (aws-lambda-go,
// provided.al2023): it answers the gateway's payload 2.0 event with the
// same body as the bench's HTTP backend, so the two rows compare the path,
// not the work.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

const body = `{"id":"42","name":"moat","tags":["a","b","c"]}`

func handle(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "application/json"}, Body: body}, nil
}

func main() { lambda.Start(handle) }

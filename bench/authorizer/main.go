// Command authorizer is the bench's Lambda authorizer (aws-lambda-go,
// provided.al2023): a REQUEST authorizer with payload 2.0 simple responses
// that lets through any request carrying an Authorization header. moat
// caches its answer by that header, so the bench's row measures the cached
// path: one invocation, then every request served from the cache.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, e events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: e.Headers["authorization"] != ""}, nil
}

func main() { lambda.Start(handle) }

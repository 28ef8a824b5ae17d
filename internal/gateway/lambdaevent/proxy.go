package lambdaevent

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/gateway"
)

// ProxyV1 is the payload 1.0 event of a proxy integration: what REST APIs
// send (HTTP APIs add version "1.0", which aws-lambda-go's type lacks, so
// they send this same shape). binary says the body goes base64-encoded.
func ProxyV1(req *gateway.Request, body []byte, binary bool) events.APIGatewayProxyRequest {
	r := req.HTTP
	headers, multiHeaders := headersV1(r)
	query, multiQuery := queryV1(r.URL)
	domainName, domainPrefix := domain(r)
	ev := events.APIGatewayProxyRequest{
		Resource:                        resource(req),
		Path:                            "/" + strings.TrimPrefix(req.RoutePath, "/"),
		HTTPMethod:                      r.Method,
		Headers:                         headers,
		MultiValueHeaders:               multiHeaders,
		QueryStringParameters:           query,
		MultiValueQueryStringParameters: multiQuery,
		PathParameters:                  pathParameters(req),
		StageVariables:                  stageVariables(req),
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:         accountID(req),
			ResourceID:        resourceID(resource(req)),
			Stage:             stageName(req),
			DomainName:        domainName,
			DomainPrefix:      domainPrefix,
			RequestID:         req.RequestID,
			ExtendedRequestID: req.RequestID,
			Protocol:          r.Proto,
			Identity:          identityV1(req),
			ResourcePath:      resource(req),
			Path:              r.URL.Path,
			Authorizer:        authorizerV1(req.Identity),
			HTTPMethod:        r.Method,
			RequestTime:       req.Received.UTC().Format(requestTimeLayout),
			RequestTimeEpoch:  req.Received.UnixMilli(),
			APIID:             apiID(req),
		},
	}
	ev.Body, ev.IsBase64Encoded = encodeBody(body, binary)
	return ev
}

// HTTPProxyV1 is ProxyV1 as an HTTP API sends it: with version "1.0".
type HTTPProxyV1 struct {
	Version string `json:"version"`
	events.APIGatewayProxyRequest
}

// ProxyV2 is the payload 2.0 event of an HTTP API's proxy integration.
func ProxyV2(req *gateway.Request, body []byte, binary bool) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey(req),
		RawPath:               req.HTTP.URL.EscapedPath(),
		RawQueryString:        req.HTTP.URL.RawQuery,
		Cookies:               cookies(req.HTTP),
		Headers:               headersV2(req.HTTP),
		QueryStringParameters: queryV2(req.HTTP.URL),
		PathParameters:        pathParameters(req),
		RequestContext:        contextV2(req),
		StageVariables:        stageVariables(req),
	}
	ev.RequestContext.Authorizer = authorizerV2(req)
	ev.Body, ev.IsBase64Encoded = encodeBody(body, binary)
	return ev
}

// contextV2 is payload 2.0's requestContext, without the authorizer.
func contextV2(req *gateway.Request) events.APIGatewayV2HTTPRequestContext {
	r := req.HTTP
	domainName, domainPrefix := domain(r)
	return events.APIGatewayV2HTTPRequestContext{
		RouteKey:     routeKey(req),
		AccountID:    accountID(req),
		Stage:        stageName(req),
		RequestID:    req.RequestID,
		APIID:        apiID(req),
		DomainName:   domainName,
		DomainPrefix: domainPrefix,
		Time:         req.Received.UTC().Format(requestTimeLayout),
		TimeEpoch:    req.Received.UnixMilli(),
		HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
			Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: req.SourceIP(), UserAgent: r.UserAgent(),
		},
	}
}

// encodeBody is the event's body: base64 when binary or when it is not
// UTF-8 (a JSON string cannot carry it otherwise).
func encodeBody(body []byte, binary bool) (string, bool) {
	if binary || !utf8.Valid(body) {
		return base64.StdEncoding.EncodeToString(body), true
	}
	return string(body), false
}

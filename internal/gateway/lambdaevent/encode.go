package lambdaevent

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/moat-dev/moat/internal/jsonquote"
)

// AppendV2 appends ev as JSON, byte for byte what json.Marshal writes for
// it, without reflection: payload 2.0 events are built for every call of
// an HTTP API's function. The rare authorizer and mTLS parts go through
// json.Marshal.
func AppendV2(b []byte, ev *events.APIGatewayV2HTTPRequest) ([]byte, error) {
	b = append(b, `{"version":`...)
	b = appendString(b, ev.Version)
	b = append(b, `,"routeKey":`...)
	b = appendString(b, ev.RouteKey)
	b = append(b, `,"rawPath":`...)
	b = appendString(b, ev.RawPath)
	b = append(b, `,"rawQueryString":`...)
	b = appendString(b, ev.RawQueryString)
	if len(ev.Cookies) > 0 {
		b = append(b, `,"cookies":[`...)
		for i, c := range ev.Cookies {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
		}
		b = append(b, ']')
	}
	b = append(b, `,"headers":`...)
	b = appendStringMap(b, ev.Headers)
	if len(ev.QueryStringParameters) > 0 {
		b = append(b, `,"queryStringParameters":`...)
		b = appendStringMap(b, ev.QueryStringParameters)
	}
	if len(ev.PathParameters) > 0 {
		b = append(b, `,"pathParameters":`...)
		b = appendStringMap(b, ev.PathParameters)
	}
	b = append(b, `,"requestContext":`...)
	b, err := appendContextV2(b, &ev.RequestContext)
	if err != nil {
		return nil, err
	}
	if len(ev.StageVariables) > 0 {
		b = append(b, `,"stageVariables":`...)
		b = appendStringMap(b, ev.StageVariables)
	}
	if ev.Body != "" {
		b = append(b, `,"body":`...)
		b = appendString(b, ev.Body)
	}
	b = append(b, `,"isBase64Encoded":`...)
	b = strconv.AppendBool(b, ev.IsBase64Encoded)
	return append(b, '}'), nil
}

// noClientCert is the authentication part of a request without mTLS, as json.Marshal writes it.
var noClientCert, _ = json.Marshal(events.APIGatewayV2HTTPRequestContextAuthentication{})

func appendContextV2(b []byte, c *events.APIGatewayV2HTTPRequestContext) ([]byte, error) {
	b = append(b, `{"routeKey":`...)
	b = appendString(b, c.RouteKey)
	b = append(b, `,"accountId":`...)
	b = appendString(b, c.AccountID)
	b = append(b, `,"stage":`...)
	b = appendString(b, c.Stage)
	b = append(b, `,"requestId":`...)
	b = appendString(b, c.RequestID)
	if c.Authorizer != nil {
		authorizer, err := json.Marshal(c.Authorizer)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"authorizer":`...)
		b = append(b, authorizer...)
	}
	b = append(b, `,"apiId":`...)
	b = appendString(b, c.APIID)
	b = append(b, `,"domainName":`...)
	b = appendString(b, c.DomainName)
	b = append(b, `,"domainPrefix":`...)
	b = appendString(b, c.DomainPrefix)
	b = append(b, `,"time":`...)
	b = appendString(b, c.Time)
	b = append(b, `,"timeEpoch":`...)
	b = strconv.AppendInt(b, c.TimeEpoch, 10)
	b = append(b, `,"http":{"method":`...)
	b = appendString(b, c.HTTP.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, c.HTTP.Path)
	b = append(b, `,"protocol":`...)
	b = appendString(b, c.HTTP.Protocol)
	b = append(b, `,"sourceIp":`...)
	b = appendString(b, c.HTTP.SourceIP)
	b = append(b, `,"userAgent":`...)
	b = appendString(b, c.HTTP.UserAgent)
	b = append(b, `},"authentication":`...)
	if c.Authentication == (events.APIGatewayV2HTTPRequestContextAuthentication{}) {
		b = append(b, noClientCert...)
	} else {
		authentication, err := json.Marshal(c.Authentication)
		if err != nil {
			return nil, err
		}
		b = append(b, authentication...)
	}
	return append(b, '}'), nil
}

// appendStringMap writes m as json.Marshal does: keys sorted, nil as null.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

func appendString(b []byte, s string) []byte { return jsonquote.Marshal(b, s) }

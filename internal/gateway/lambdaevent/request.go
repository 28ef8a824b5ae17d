package lambdaevent

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

// requestTimeLayout is $context.requestTime: 04/Mar/2020:19:15:17 +0000.
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// accountID is the account in the request's method ARN
// (arn:aws:execute-api:<region>:<account>:…).
func accountID(req *gateway.Request) string {
	parts := strings.SplitN(req.MethodARN, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// domain is the host the client called, without its port, and its first
// label ($context.domainName, $context.domainPrefix).
func domain(r *http.Request) (name, prefix string) {
	name = r.Host
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	prefix, _, _ = strings.Cut(name, ".")
	return name, prefix
}

// resourceID stands for API Gateway's id of the route's resource: stable
// for a route path, ten hex characters as API Gateway's are short.
func resourceID(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:5])
}

// stageVariables is the stage's variables, nil (JSON null) when it has none.
func stageVariables(req *gateway.Request) map[string]string {
	if req.Stage == nil || len(req.Stage.Variables) == 0 {
		return nil
	}
	return req.Stage.Variables
}

// pathParameters is the route's parameter values, nil when it has none.
func pathParameters(req *gateway.Request) map[string]string {
	if len(req.PathParameters) == 0 {
		return nil
	}
	return req.PathParameters
}

// resource is the route's path template (REST's resource), or $default.
func resource(req *gateway.Request) string {
	if req.Route == nil {
		return ""
	}
	return req.Route.Path
}

func routeKey(req *gateway.Request) string {
	if req.Route == nil {
		return ""
	}
	return req.Route.Key()
}

func stageName(req *gateway.Request) string {
	if req.Stage == nil {
		return ""
	}
	return req.Stage.Name
}

func apiID(req *gateway.Request) string {
	if req.API == nil {
		return ""
	}
	return req.API.ID
}

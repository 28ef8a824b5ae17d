package demo

import "github.com/moat-dev/moat/internal/gateway"

// APIName names the demo API in logs and metrics.
const APIName = "moat-demo"

// newAPI is the dragons API: GET /dragons for anyone signed in to the demo
// pool (ID token), POST /dragons for Group only, and the page, its assets
// and /demo-config.json open to all. Every route proxies to the backend.
func newAPI(backendURL, poolID string, siteOrigins []string, nft upstream) (gateway.API, error) {
	to := func(path string) gateway.IntegrationConfig {
		return gateway.IntegrationConfig{Type: "http_proxy", URI: backendURL + path, TimeoutMillis: 5000}
	}
	routes := []gateway.Route{
		{Method: "GET", Path: "/dragons", Authorizer: "demo-pool", Integration: to("/dragons")},
		{Method: "POST", Path: "/dragons", Authorizer: "demo-pool", Groups: []string{Group}, Integration: to("/dragons")},
		{Method: "GET", Path: "/", Integration: to("/")},
		{Method: "GET", Path: "/demo-config.json", Integration: to("/demo-config.json")},
	}
	routes = append(routes, dappRoutes(to, nft)...)
	assets, err := siteAssets()
	if err != nil {
		return gateway.API{}, err
	}
	for _, name := range assets {
		routes = append(routes, gateway.Route{Method: "GET", Path: "/" + name, Integration: to("/" + name)})
	}
	return gateway.API{
		Name:     APIName,
		ID:       APIID,
		Type:     "HTTP",
		BasePath: "/",
		Authorizers: []gateway.AuthorizerConfig{{
			Name:      "demo-pool",
			Type:      "COGNITO_USER_POOLS",
			UserPools: []string{poolID},
			ClaimHeaders: map[string]string{
				"cognito:username": userHeader,
				"cognito:groups":   groupsHeader,
			},
		}, {
			Name: "demo-iam",
			Type: "AWS_IAM",
			ClaimHeaders: map[string]string{
				"cognitoIdentityId":         identityHeader,
				"cognitoAuthenticationType": authTypeHeader,
			},
		}},
		CORS: &gateway.CORS{
			AllowOrigins: siteOrigins,
			AllowMethods: []string{"GET", "POST"},
			AllowHeaders: []string{"Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"},
			MaxAge:       600,
		},
		Routes: routes,
	}, nil
}

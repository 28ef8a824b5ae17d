package demo

import (
	"net/http"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/web"
)

// upstream is the third-party NFT API the dApp's routes reach, and its key.
type upstream struct{ url, key string }

// dappRoutes are the dApp's page and its two ways into the API.
func dappRoutes(to func(string) gateway.IntegrationConfig, nft upstream) []gateway.Route {
	keyed := func(path string) gateway.IntegrationConfig {
		return gateway.IntegrationConfig{Type: "http_proxy", URI: nft.url + path, TimeoutMillis: 10000,
			Secrets: []gateway.SecretInjection{{In: "header", Name: "X-Api-Key", Value: nft.key}}}
	}
	owned := keyed("/nfts")
	// The owner is the signed-in wallet, whatever the client asks for.
	owned.RequestParameters = map[string]string{"overwrite:querystring.owner": "$context.authorizer.claims.cognito:username"}
	return []gateway.Route{
		{Method: "GET", Path: "/nfts", Authorizer: "demo-pool", Integration: owned},
		{Method: "GET", Path: "/collection", Authorizer: "demo-iam", Integration: keyed("/collection")},
		{Method: "GET", Path: "/floor-price", Authorizer: "demo-iam", Integration: keyed("/floor-price")},
		{Method: "GET", Path: "/dapp/{file+}", Integration: to("/dapp/{file+}")},
		// The page loads its scripts by relative URL from /dapp/dapp.html.
		{Method: "GET", Path: "/dapp", Integration: gateway.IntegrationConfig{Type: "mock", StatusCode: http.StatusMovedPermanently,
			Headers: map[string]string{"Location": "/dapp/dapp.html"}}},
	}
}

// dappConfig is /dapp/config.json: what the dApp page needs. None of it is secret.
type dappConfig struct {
	IdentityURL    string `json:"identityUrl"`
	Region         string `json:"region"`
	UserPoolID     string `json:"userPoolId"`
	ClientID       string `json:"clientId"`
	IdentityPoolID string `json:"identityPoolId"`
	NFTsURL        string `json:"nftsUrl"`
	CollectionURL  string `json:"collectionUrl"`
	FloorPriceURL  string `json:"floorPriceUrl"`
}

// dappFiles serves the embedded dApp page under /dapp/.
func dappFiles() http.Handler {
	return noCache(http.StripPrefix("/dapp", http.FileServerFS(embedded(web.Dapp, "dapp"))))
}

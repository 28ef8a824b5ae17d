package demo

import (
	"io/fs"
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

func (c dappConfig) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, c)
}

// dappFiles serves the embedded dApp page under /dapp/.
func dappFiles() http.Handler {
	root, err := fs.Sub(web.Dapp, "dapp")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	files := http.StripPrefix("/dapp", http.FileServerFS(root))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

package console

import (
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
)

// clientFlows are the ExplicitAuthFlows the create form offers.
var clientFlows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH",
	"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}

// createClient makes an app client and shows it once with its secret,
// which no page shows again (DescribeUserPoolClient would, to a signed
// API call; the console does not).
func (c *Console) createClient(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := &userpool.CreateUserPoolClientInput{
		UserPoolId:     r.PathValue("pool"),
		ClientName:     strings.TrimSpace(r.PostFormValue("name")),
		GenerateSecret: r.PostFormValue("generateSecret") == "on",
	}
	for _, f := range r.PostForm["flow"] {
		in.ExplicitAuthFlows = append(in.ExplicitAuthFlows, f)
	}
	if urls := strings.Fields(r.PostFormValue("callbackUrls")); len(urls) > 0 {
		in.CallbackURLs = urls
		in.AllowedOAuthFlowsUserPoolClient = true
		in.AllowedOAuthFlows = []string{"code"}
		in.AllowedOAuthScopes = []string{"openid", "email", "profile"}
		in.SupportedIdentityProviders = []string{"COGNITO"}
	}
	out, err := c.cfg.UserPools.CreateUserPoolClient(r.Context(), in)
	if err != nil {
		return err
	}
	c.show(w, r, rq, "client_created", &view{Title: "App client created", Section: "pools", Data: out.UserPoolClient,
		Flash: flash{Text: "Created app client " + out.UserPoolClient.ClientName + "."}})
	return nil
}

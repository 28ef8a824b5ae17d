package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
)

// pageSize is how many rows a table shows; the next page is asked of the
// same paged query the API uses.
const pageSize = 50

func (c *Console) poolsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	showList(c, w, r, rq, "pools", &view{Title: "User pools", Section: "pools"}, func(token string) ([]userpool.UserPoolDescription, string, error) {
		out, err := c.cfg.UserPools.ListUserPools(r.Context(), &userpool.ListUserPoolsInput{MaxResults: pageSize, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.UserPools, out.NextToken, nil
	})
}

func (c *Console) createPool(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := &userpool.CreateUserPoolInput{PoolName: strings.TrimSpace(r.PostFormValue("name"))}
	if r.PostFormValue("signInWith") == "email" {
		in.UsernameAttributes = []string{"email"}
		in.AutoVerifiedAttributes = []string{"email"}
	}
	out, err := c.cfg.UserPools.CreateUserPool(r.Context(), in)
	if err != nil {
		return err
	}
	return c.done(w, r, rq, poolPath(out.UserPool.Id), "Created user pool "+out.UserPool.Name+".")
}

func poolPath(id string) string { return Prefix + "/pools/" + url.PathEscape(id) }

type poolData struct {
	Pool    userpool.UserPoolType
	MFA     *userpool.MfaConfigOutput
	Domain  string
	Clients []poolClient
	Groups  []userpool.GroupType
}

func (c *Console) poolPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx, id := r.Context(), r.PathValue("pool")
	pool, err := c.cfg.UserPools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		c.notFound(w, r, rq, err)
		return
	}
	d := poolData{Pool: pool.UserPool}
	v := &view{Title: pool.UserPool.Name, Section: "pools", Data: &d}
	var problems []string
	if mfa, err := c.cfg.UserPools.GetUserPoolMfaConfig(ctx, &userpool.DescribeUserPoolInput{UserPoolId: id}); err == nil {
		d.MFA = mfa
	} else {
		problems = append(problems, errorText(err))
	}
	if host, err := c.cfg.UserPools.DomainHost(ctx, id); err == nil {
		d.Domain = host
	}
	if clients, err := c.cfg.UserPools.ListUserPoolClients(ctx, &userpool.ListUserPoolClientsInput{UserPoolId: id, MaxResults: 60}); err == nil {
		for _, desc := range clients.UserPoolClients {
			d.Clients = append(d.Clients, c.describeClient(r, desc))
		}
	} else {
		problems = append(problems, errorText(err))
	}
	if groups, err := c.cfg.UserPools.ListGroups(ctx, &userpool.ListGroupsInput{UserPoolId: id, Limit: 60}); err == nil {
		d.Groups = groups.Groups
	} else {
		problems = append(problems, errorText(err))
	}
	if len(problems) > 0 {
		v.Flash = flash{Text: strings.Join(problems, " "), Error: true}
	}
	c.show(w, r, rq, "pool", v)
}

// notFound answers a page whose pool, user, API or function is not there.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	v := &view{Title: "Not found", Flash: flash{Text: errorText(err), Error: true}}
	v.SignedIn, v.ReadOnly, v.KeyID, v.CSRF = true, rq.session.role != FullAccess, rq.session.keyID, rq.session.csrf
	c.render(w, r, http.StatusNotFound, "refused", v)
}

func (c *Console) createGroup(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := &userpool.GroupInput{UserPoolId: r.PathValue("pool"), GroupName: strings.TrimSpace(r.PostFormValue("name"))}
	if d := strings.TrimSpace(r.PostFormValue("description")); d != "" {
		in.Description = &d
	}
	if role := strings.TrimSpace(r.PostFormValue("roleArn")); role != "" {
		in.RoleArn = &role
	}
	if _, err := c.cfg.UserPools.CreateGroup(r.Context(), in); err != nil {
		return err
	}
	return c.done(w, r, rq, poolPath(in.UserPoolId)+"#groups", "Created group "+in.GroupName+".")
}

// poolClient is an app client as the pool page lists it: its flows, its
// OAuth settings and, when it has a callback URL, a link that opens its
// hosted sign-in page (the hosted UI's preview). Its secret is not here.
type poolClient struct {
	userpool.UserPoolClientDescription
	Flows, OAuthFlows, Scopes []string
	HasSecret                 bool
	Preview                   string
}

func (c *Console) describeClient(r *http.Request, desc userpool.UserPoolClientDescription) poolClient {
	pc := poolClient{UserPoolClientDescription: desc}
	out, err := c.cfg.UserPools.DescribeUserPoolClient(r.Context(), &userpool.ClientRef{UserPoolId: desc.UserPoolId, ClientId: desc.ClientId})
	if err != nil {
		return pc
	}
	cl := out.UserPoolClient
	pc.Flows, pc.OAuthFlows, pc.Scopes, pc.HasSecret = cl.ExplicitAuthFlows, cl.AllowedOAuthFlows, cl.AllowedOAuthScopes, cl.ClientSecret != ""
	if cl.AllowedOAuthFlowsUserPoolClient && len(cl.CallbackURLs) > 0 && len(cl.AllowedOAuthFlows) > 0 {
		responseType := "code"
		if cl.AllowedOAuthFlows[0] == "implicit" {
			responseType = "token"
		}
		pc.Preview = "/login?" + url.Values{"client_id": {cl.ClientId}, "response_type": {responseType},
			"redirect_uri": {cl.CallbackURLs[0]}, "scope": {strings.Join(cl.AllowedOAuthScopes, " ")}}.Encode()
	}
	return pc
}

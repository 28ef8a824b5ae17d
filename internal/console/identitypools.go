package console

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/identitypool"
)

func (c *Console) identityPoolsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	showList(c, w, r, rq, "identity_pools", &view{Title: "Identity pools", Section: "identity-pools"}, func(token string) ([]identitypool.PoolShortDescription, string, error) {
		out, err := c.cfg.IdentityPools.ListIdentityPools(r.Context(), &identitypool.ListIdentityPoolsInput{MaxResults: pageSize, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.IdentityPools, out.NextToken, nil
	})
}

type identityPoolData struct {
	Pool  *identitypool.IdentityPool
	Roles *identitypool.PoolRoles
	// RoleARNs are every role the pool can hand out (its default roles
	// and its rules' roles), which the policy editor can open.
	RoleARNs []string
	Editor   policyEditor
	APIs     []apiARN
}

// apiARN is the execute-api ARN prefix of a served API, for the simulator's
// resource: append /METHOD/path.
type apiARN struct{ Name, ARN string }

// policyEditor is the editor's state: the role and inline policy it
// shows, the document, the request simulated and the outcome.
type policyEditor struct {
	Role, PolicyName, Document string
	Action, Resource           string
	Check                      *policyCheck
}

func identityPoolPath(id string) string { return Prefix + "/identity-pools/" + url.PathEscape(id) }

func (c *Console) identityPoolPage(w http.ResponseWriter, r *http.Request, rq *request) {
	q := r.URL.Query()
	c.showIdentityPool(w, r, rq, policyEditor{Role: q.Get("role"), PolicyName: q.Get("policy")}, false)
}

// showIdentityPool renders the pool with the editor; an editor without a
// document is filled from the role's stored inline policy.
func (c *Console) showIdentityPool(w http.ResponseWriter, r *http.Request, rq *request, ed policyEditor, edited bool) {
	ctx, id := r.Context(), r.PathValue("pool")
	pool, err := c.cfg.IdentityPools.DescribeIdentityPool(ctx, &identitypool.PoolIDInput{IdentityPoolId: id})
	if err != nil {
		c.notFound(w, r, rq, err)
		return
	}
	d := &identityPoolData{Pool: pool}
	v := &view{Title: pool.IdentityPoolName, Section: "identity-pools", Data: d}
	if roles, err := c.cfg.IdentityPools.GetIdentityPoolRoles(ctx, &identitypool.PoolIDInput{IdentityPoolId: id}); err == nil {
		d.Roles = roles
		d.RoleARNs = poolRoleARNs(roles)
	} else {
		v.Flash = flash{Text: errorText(err), Error: true}
	}
	for _, api := range c.cfg.Gateway.APIs() {
		for _, stage := range stageNames(api) {
			d.APIs = append(d.APIs, apiARN{Name: api.Name + " · " + stage,
				ARN: "arn:aws:execute-api:" + c.cfg.UserPools.Region() + ":" + c.cfg.Roles.Account() + ":" + api.ID + "/" + stage})
		}
	}
	if ed.Role == "" && len(d.RoleARNs) > 0 {
		ed.Role = d.RoleARNs[0]
	}
	if !edited && ed.Role != "" {
		c.fillEditor(r, &ed)
	}
	ed.Action = cmp.Or(ed.Action, "execute-api:Invoke")
	if ed.Resource == "" && len(d.APIs) > 0 {
		ed.Resource = d.APIs[0].ARN + "/GET/"
	}
	d.Editor = ed
	c.show(w, r, rq, "identity_pool", v)
}

// fillEditor loads the role's inline policy (the first, or the one named).
func (c *Console) fillEditor(r *http.Request, ed *policyEditor) {
	compiled, err := c.cfg.Roles.Lookup(r.Context(), ed.Role)
	if err != nil {
		return
	}
	names := slices.Sorted(maps.Keys(compiled.Role.InlinePolicies))
	if ed.PolicyName == "" && len(names) > 0 {
		ed.PolicyName = names[0]
	}
	ed.Document = compiled.Role.InlinePolicies[ed.PolicyName]
	ed.PolicyName = cmp.Or(ed.PolicyName, "console")
}

func poolRoleARNs(roles *identitypool.PoolRoles) []string {
	seen := map[string]bool{}
	for _, arn := range roles.Roles {
		seen[arn] = true
	}
	for _, m := range roles.RoleMappings {
		if m.RulesConfiguration != nil {
			for _, rule := range m.RulesConfiguration.Rules {
				seen[rule.RoleARN] = true
			}
		}
	}
	delete(seen, "")
	return slices.Sorted(maps.Keys(seen))
}

func editorOf(r *http.Request) policyEditor {
	return policyEditor{Role: r.PostFormValue("role"), PolicyName: strings.TrimSpace(r.PostFormValue("policyName")),
		Document: r.PostFormValue("document"), Action: strings.TrimSpace(r.PostFormValue("action")), Resource: strings.TrimSpace(r.PostFormValue("resource"))}
}

// simulate checks the edited document and decides the request against
// it, without saving anything: a read-only session may simulate too.
func (c *Console) simulate(w http.ResponseWriter, r *http.Request, rq *request) error {
	ed := editorOf(r)
	check := checkPolicy(ed.Document, ed.Action, ed.Resource)
	ed.Check = &check
	c.showIdentityPool(w, r, rq, ed, true)
	return nil
}

// savePolicy stores the edited document as the role's inline policy.
func (c *Console) savePolicy(w http.ResponseWriter, r *http.Request, rq *request) error {
	ed := editorOf(r)
	compiled, err := c.cfg.Roles.Lookup(r.Context(), ed.Role)
	if err != nil {
		return err
	}
	if err := c.cfg.Roles.PutRolePolicy(r.Context(), compiled.Role.Name, ed.PolicyName, ed.Document); err != nil {
		return err
	}
	return c.done(w, r, rq, identityPoolPath(r.PathValue("pool"))+"?"+url.Values{"role": {ed.Role}, "policy": {ed.PolicyName}}.Encode(),
		"Saved inline policy "+ed.PolicyName+" of role "+compiled.Role.Name+".")
}

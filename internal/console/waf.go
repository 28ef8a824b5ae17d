package console

import (
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/waf"
)

// wafWindow is how far back the WAF page counts and samples, the most
// GetSampledRequests looks back.
const wafWindow = 3 * time.Hour

type wafData struct {
	ACLs     []waf.Summary
	Next     string
	ACL      *waf.WebACL
	Rules    []ruleActivity
	Resource []string
}

// ruleActivity is one rule's (or the default action's) matches in the
// window and the requests sampled of them.
type ruleActivity struct {
	Name, Action, Metric string
	Priority             int64
	Default              bool
	Count                int64
	Samples              []waf.SampledRequest
}

func (c *Console) wafPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx, q := r.Context(), r.URL.Query()
	v := &view{Title: "Web ACLs", Section: "waf"}
	d := &wafData{}
	v.Data = d
	var err error
	if d.ACLs, d.Next, err = c.cfg.WAF.ListWebACLs(ctx, q.Get("page"), pageSize); err != nil {
		v.Flash = flash{Text: errorText(err), Error: true}
	}
	if name, id := q.Get("name"), q.Get("id"); name != "" {
		acl, _, err := c.cfg.WAF.GetWebACL(ctx, name, id)
		if err != nil {
			v.Flash = flash{Text: errorText(err), Error: true}
		} else {
			d.ACL = &acl
			v.Title = "Web ACL " + acl.Name
			d.Rules = c.ruleActivity(r, acl)
			// ResourcesForWebACL answers one resource type at a time (an
			// empty one means load balancers, as AWS's does): ask for each
			// kind moat can protect.
			for _, kind := range []waf.ResourceType{waf.ResourceAPIGateway, waf.ResourceCognitoUserPool} {
				arns, _ := c.cfg.WAF.ResourcesForWebACL(ctx, acl.ARN, string(kind))
				d.Resource = append(d.Resource, arns...)
			}
		}
	}
	c.show(w, r, rq, "waf", v)
}

func (c *Console) ruleActivity(r *http.Request, acl waf.WebACL) []ruleActivity {
	end := time.Now()
	var out []ruleActivity
	add := func(a ruleActivity) {
		if a.Metric != "" {
			a.Samples, a.Count, _, _ = c.cfg.WAF.SampledRequests(r.Context(), acl.ARN, a.Metric, end.Add(-wafWindow), end, 10)
		}
		out = append(out, a)
	}
	for _, rule := range acl.Rules {
		a := ruleActivity{Name: rule.Name, Priority: rule.Priority, Action: ruleActionName(rule)}
		if rule.VisibilityConfig != nil {
			a.Metric = rule.VisibilityConfig.MetricName
		}
		add(a)
	}
	a := ruleActivity{Name: "Default action", Default: true, Action: "ALLOW"}
	if acl.DefaultAction != nil && acl.DefaultAction.Block != nil {
		a.Action = "BLOCK"
	}
	if acl.VisibilityConfig != nil {
		a.Metric = acl.VisibilityConfig.MetricName
	}
	add(a)
	return out
}

func ruleActionName(rule waf.Rule) string {
	switch {
	case rule.Action != nil && rule.Action.Block != nil:
		return "BLOCK"
	case rule.Action != nil && rule.Action.Allow != nil:
		return "ALLOW"
	case rule.Action != nil && rule.Action.Count != nil, rule.OverrideAction != nil && rule.OverrideAction.Count != nil:
		return "COUNT"
	case rule.OverrideAction != nil:
		return "rule group's own"
	}
	return "—"
}

package console

import (
	"encoding/json"
	"net/http"

	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/roles"
)

// policyCheck is the policy editor's verdict on a document, and on one
// request when an action is given: what IAM would say.
type policyCheck struct {
	Valid    bool   `json:"valid"`
	Problem  string `json:"problem,omitempty"`
	Decision string `json:"decision,omitempty"` // Allow, ExplicitDeny or ImplicitDeny
}

// checkPolicy validates doc as a role's permission policy (moat's rules
// for PutRolePolicy) and evaluates the request against it with moat's
// policy engine.
func checkPolicy(doc, action, resource string) policyCheck {
	p, err := roles.ParsePermissionPolicy(doc)
	if err != nil {
		return policyCheck{Problem: errorText(err)}
	}
	out := policyCheck{Valid: true}
	if action != "" {
		out.Decision = p.Evaluate(iam.Request{Action: action, Resource: resource}).String()
	}
	return out
}

// policyCheckAPI answers the editor's script as the document is typed.
func (c *Console) policyCheckAPI(w http.ResponseWriter, r *http.Request, _ *request) error {
	ed := editorOf(r)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(checkPolicy(ed.Document, ed.Action, ed.Resource)) // the page went away
	return nil
}

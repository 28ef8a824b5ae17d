package oauth

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// NEW_PASSWORD_REQUIRED: a user with a temporary password chooses their
// own, and fills in any required attribute they lack.

func init() {
	registerChallengePage(signin.NewPasswordRequired, challengePage{
		template: "new_password", title: "Change password",
		prepare: func(_ context.Context, _ *Provider, pg *page, hp *userpool.HostedPool, step *userpool.HostedStep) error {
			pg.Policy = policyLines(hp.PasswordPolicy)
			required := step.ChallengeParameters["requiredAttributes"]
			pg.Carried["requiredAttributes"] = required
			var names []string
			_ = json.Unmarshal([]byte(required), &names) // absent or malformed: none asked
			for _, name := range names {
				// A retry carries the list back from the browser: skip what names no attribute.
				if name = strings.TrimPrefix(name, "userAttributes."); name != "" {
					pg.Fields = append(pg.Fields, fieldFor(name, ""))
				}
			}
			return nil
		},
		answers: func(form url.Values) (map[string]string, string) {
			pw := form.Get("password")
			if pw == "" {
				return nil, "Enter a new password."
			}
			if pw != form.Get("confirmPassword") {
				return nil, "Passwords do not match."
			}
			responses := map[string]string{"NEW_PASSWORD": pw}
			for name, value := range requiredAttributes(form) {
				responses["userAttributes."+name] = value
			}
			return responses, ""
		},
	})
}

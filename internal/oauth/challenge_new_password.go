package oauth

import (
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
		prepare: func(pg *page, hp *userpool.HostedPool, params map[string]string) {
			pg.Policy = policyLines(hp.PasswordPolicy)
			var required []string
			_ = json.Unmarshal([]byte(params["requiredAttributes"]), &required) // absent or malformed: none asked
			for _, name := range required {
				pg.Fields = append(pg.Fields, fieldFor(strings.TrimPrefix(name, "userAttributes."), ""))
			}
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

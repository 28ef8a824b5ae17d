package oauth

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// USER_AUTH's pages: the choice of first factors the user has
// (SELECT_CHALLENGE), and signing in with a passkey (WEB_AUTHN), whose
// page's script hands the engine's options to navigator.credentials.get.

// firstFactorChoices are what SELECT_CHALLENGE may offer a browser;
// PASSWORD_SRP is for SDKs, which prove a password without sending it.
var firstFactorChoices = map[string]choiceButton{
	"PASSWORD":  {Label: "Sign in with your password", Password: true},
	"WEB_AUTHN": {Label: "Sign in with a passkey", Hint: "Use your fingerprint, face, screen lock or security key"},
	"EMAIL_OTP": {Label: "Email me a code", Hint: "Get a one-time code by email"},
	"SMS_OTP":   {Label: "Text me a code", Hint: "Get a one-time code on your phone"},
}

func init() {
	registerChallengePage(signin.SelectChallenge, challengePage{
		template: "choose", title: "Choose how to sign in",
		prepare: func(_ context.Context, _ *Provider, pg *page, _ *userpool.HostedPool, step *userpool.HostedStep) error {
			available := step.ChallengeParameters["AVAILABLE_CHALLENGES"]
			if step.AvailableChallenges != nil {
				b, _ := json.Marshal(step.AvailableChallenges)
				available = string(b)
			}
			pg.Carried["AVAILABLE_CHALLENGES"] = available
			pg.Lead = "Choose a way to sign in as " + pg.Username + "."
			pg.Choices = choicesFor(available, firstFactorChoices)
			return nil
		},
		answers: func(form url.Values) (map[string]string, string) {
			responses, problem := chosen(form)
			if problem != "" || responses["ANSWER"] != "PASSWORD" {
				return responses, problem
			}
			if form.Get("password") == "" {
				return nil, "Enter your password, or choose another way to sign in."
			}
			responses["PASSWORD"] = form.Get("password")
			return responses, ""
		},
	})
	registerChallengePage(signin.WebAuthn, challengePage{
		template: "passkey", title: "Sign in with a passkey",
		retryHint: "Try again with a passkey saved for this account, or go back and sign in another way.",
		prepare: func(_ context.Context, _ *Provider, pg *page, _ *userpool.HostedPool, step *userpool.HostedStep) error {
			options := step.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]
			pg.Carried["CREDENTIAL_REQUEST_OPTIONS"] = options
			pg.PasskeyOptions, pg.Script = options, true
			return nil
		},
		answers: func(form url.Values) (map[string]string, string) {
			credential := form.Get("credential")
			if credential == "" {
				return nil, "Your browser gave no passkey. Choose \"Use passkey\" and follow your browser's prompt."
			}
			return map[string]string{"CREDENTIAL": credential}, ""
		},
	})
}

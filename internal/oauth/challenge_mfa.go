package oauth

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// The second factors' pages: a code from an authenticator app, an email or
// a text message (and, through USER_AUTH, the same codes as the first
// factor); a choice between the user's factors (SELECT_MFA_TYPE); setting
// up an authenticator app (MFA_SETUP) from a QR code drawn here.

// codePage is one challenge answered with a code.
type codePage struct {
	name             signin.ChallengeName
	title, label     string
	response         string
	lead             func(destination string) string
	retryHint        string
	askRemembersHere bool
}

var codePages = []codePage{
	{name: signin.SoftwareTokenMFA, title: "Enter your authenticator code", label: "6-digit code", response: "SOFTWARE_TOKEN_MFA_CODE",
		lead: func(string) string {
			return "Open your authenticator app and enter the code it shows for this account."
		},
		retryHint: "Enter the code your authenticator app shows now; each code works once.", askRemembersHere: true},
	{name: signin.EmailOTP, title: "Check your email", label: "Code from the email", response: "EMAIL_OTP_CODE",
		lead:      sentTo("an email"),
		retryHint: "Enter the code from the latest email, or sign in again to get a new one.", askRemembersHere: true},
	{name: signin.SMSMFA, title: "Check your phone", label: "Code from the text message", response: "SMS_MFA_CODE",
		lead:      sentTo("a text message"),
		retryHint: "Enter the code from the latest text message, or sign in again to get a new one.", askRemembersHere: true},
	{name: signin.SMSOTP, title: "Check your phone", label: "Code from the text message", response: "SMS_OTP_CODE",
		lead:      sentTo("a text message"),
		retryHint: "Enter the code from the latest text message, or sign in again to get a new one."},
}

// sentTo is a code page's lead for a code sent by medium.
func sentTo(medium string) func(string) string {
	return func(destination string) string {
		if destination == "" {
			return "We sent you a sign-in code in " + medium + ". Enter it below."
		}
		return "We sent a sign-in code in " + medium + " to " + destination + ". Enter it below."
	}
}

func init() {
	for _, c := range codePages {
		registerChallengePage(c.name, challengePage{
			template: "mfa_code", title: c.title, retryHint: c.retryHint,
			prepare: func(_ context.Context, _ *Provider, pg *page, hp *userpool.HostedPool, step *userpool.HostedStep) error {
				destination := step.ChallengeParameters["CODE_DELIVERY_DESTINATION"]
				pg.Carried["CODE_DELIVERY_DESTINATION"] = destination
				pg.Lead, pg.CodeLabel = c.lead(destination), c.label
				pg.AskRemember = c.askRemembersHere && hp.Remembering == userpool.RememberOnPrompt
				return nil
			},
			answers: func(form url.Values) (map[string]string, string) {
				code := strings.Join(strings.Fields(form.Get("code")), "")
				if code == "" {
					return nil, "Enter the code."
				}
				return map[string]string{c.response: code}, ""
			},
		})
	}
	registerChallengePage(signin.SelectMFAType, challengePage{
		template: "choose", title: "Choose how to verify it's you",
		prepare: func(_ context.Context, _ *Provider, pg *page, _ *userpool.HostedPool, step *userpool.HostedStep) error {
			pg.Lead = "Your account has more than one way to confirm a sign-in. Choose one."
			pg.Choices = choicesFor(step.ChallengeParameters["MFAS_CAN_CHOOSE"], factorChoices)
			pg.Carried["MFAS_CAN_CHOOSE"] = step.ChallengeParameters["MFAS_CAN_CHOOSE"]
			return nil
		},
		answers: chosen,
	})
	registerChallengePage(signin.MFASetup, challengePage{
		template: "mfa_setup", title: "Set up an authenticator app",
		retryHint: "Enter the code your authenticator app shows now for this account.",
		prepare:   prepareTOTPSetup,
		answers: func(form url.Values) (map[string]string, string) {
			code := strings.Join(strings.Fields(form.Get("code")), "")
			if code == "" {
				return nil, "Enter the 6-digit code your authenticator app shows after you add the account."
			}
			return map[string]string{"SOFTWARE_TOKEN_MFA_CODE": code, "FRIENDLY_DEVICE_NAME": strings.TrimSpace(form.Get("deviceName"))}, ""
		},
	})
}

// prepareTOTPSetup gives MFA_SETUP's page a new token's secret (or, on a
// retry, the one it showed) and its QR code.
func prepareTOTPSetup(ctx context.Context, p *Provider, pg *page, hp *userpool.HostedPool, step *userpool.HostedStep) error {
	secret := step.ChallengeParameters["SECRET_CODE"]
	if secret == "" {
		var err error
		if secret, step.Session, err = p.pools.HostedBeginTOTPSetup(ctx, step.Session); err != nil {
			return err
		}
	}
	qr, err := qrSVG(totpURI(hp.Name, pg.Username, secret), "QR code to add "+pg.Username+" to an authenticator app")
	if err != nil {
		return err
	}
	pg.Secret, pg.QRCode, pg.Carried["SECRET_CODE"] = secret, qr, secret
	pg.CodeLabel = "6-digit code from the app"
	pg.AskRemember = hp.Remembering == userpool.RememberOnPrompt
	return nil
}

// factorChoices are the second factors SELECT_MFA_TYPE may offer.
var factorChoices = map[string]choiceButton{
	"SOFTWARE_TOKEN_MFA": {Label: "Authenticator app", Hint: "Enter a code from your app"},
	"EMAIL_OTP":          {Label: "Email", Hint: "Get a code by email"},
	"SMS_MFA":            {Label: "Text message", Hint: "Get a code on your phone"},
}

// choicesFor are the buttons for a challenge's list of choices (a JSON
// array, as the engine sends it), in its order; unknown names are left out.
func choicesFor(list string, known map[string]choiceButton) []choiceButton {
	var names []string
	_ = json.Unmarshal([]byte(list), &names) // malformed: no choices, and the page says so
	var out []choiceButton
	for _, name := range names {
		if c, ok := known[name]; ok {
			c.Value = name
			out = append(out, c)
		}
	}
	return out
}

// chosen is a choice page's ANSWER.
func chosen(form url.Values) (map[string]string, string) {
	answer := form.Get("answer")
	if answer == "" {
		return nil, "Choose one of the ways below."
	}
	return map[string]string{"ANSWER": answer}, ""
}

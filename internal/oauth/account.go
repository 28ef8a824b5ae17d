package oauth

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
)

// The account pages: sign-up and its code, and the forgotten password.
// Each calls the user-pool operation an app would (SignUp,
// ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
// ConfirmForgotPassword) as the client, so their limits, triggers and
// messages are the API's.

func (p *Provider) signUpPage(w http.ResponseWriter, r *http.Request) {
	if req := p.pageRequest(w, r); req != nil {
		p.showSignUp(w, r, req, http.StatusOK, "", nil, "")
	}
}

func (p *Provider) showSignUp(w http.ResponseWriter, r *http.Request, req *authRequest, status int, username string, values map[string]string, errText string) {
	pg, hp, err := p.newPage(w, r, req, "Sign up")
	if err != nil {
		p.internalError(w, err)
		return
	}
	if !hp.SelfSignUp {
		p.showLogin(w, r, req, http.StatusForbidden, "", "SignUp is not permitted for this user pool", "")
		return
	}
	pg.Action = template.URL(req.pageURL("/signup"))
	pg.Username, pg.Error, pg.Policy = username, errText, policyLines(hp.PasswordPolicy)
	for _, name := range hp.RequiredAttributes {
		pg.Fields = append(pg.Fields, fieldFor(name, values[name]))
	}
	p.render(w, status, "signup", pg)
}

func (p *Provider) signUp(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	attrs := requiredAttributes(r.PostForm)
	hp, err := p.pools.DescribeHostedPool(r.Context(), req.client.PoolID)
	if err != nil {
		p.internalError(w, err)
		return
	}
	in := &userpool.SignUpInput{ClientId: req.client.ClientID, SecretHash: req.client.SecretHash(username), Username: username, Password: password}
	for _, name := range hp.RequiredAttributes {
		in.UserAttributes = append(in.UserAttributes, userpool.AttributeType{Name: name, Value: attrs[name]})
	}
	for _, name := range hp.UsernameAttributes {
		if name == "email" && strings.Contains(username, "@") || name == "phone_number" && strings.HasPrefix(username, "+") {
			in.UserAttributes = append(in.UserAttributes, userpool.AttributeType{Name: name, Value: username})
		}
	}
	out, err := p.pools.SignUp(r.Context(), p.caller(r), in)
	if err != nil {
		p.showSignUp(w, r, req, signInStatus(err), username, attrs, p.signInMessage(err))
		return
	}
	if out.UserConfirmed {
		http.Redirect(w, r, req.pageURL("/login")+"&notice=confirmed", http.StatusFound)
		return
	}
	p.showConfirm(w, r, req, http.StatusOK, username, deliveryLead(out.CodeDeliveryDetails), "")
}

func deliveryLead(d *userpool.CodeDeliveryDetails) string {
	if d == nil || d.Destination == "" {
		return "We have sent a code. Enter it below to confirm your account."
	}
	return "We have sent a code by " + strings.ToLower(d.DeliveryMedium) + " to " + d.Destination + ". Enter it below to confirm your account."
}

func (p *Provider) showConfirm(w http.ResponseWriter, r *http.Request, req *authRequest, status int, username, lead, errText string) {
	pg, _, err := p.newPage(w, r, req, "Confirm your account")
	if err != nil {
		p.internalError(w, err)
		return
	}
	pg.Action, pg.ResendAction = template.URL(req.pageURL("/confirm")), template.URL(req.pageURL("/resendcode"))
	pg.Username, pg.Lead, pg.Error = username, lead, errText
	p.render(w, status, "confirm", pg)
}

func (p *Provider) confirm(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username := r.PostFormValue("username")
	_, err := p.pools.ConfirmSignUp(r.Context(), &userpool.ConfirmSignUpInput{ClientId: req.client.ClientID,
		SecretHash: req.client.SecretHash(username), Username: username, ConfirmationCode: strings.TrimSpace(r.PostFormValue("code"))})
	if err != nil {
		p.showConfirm(w, r, req, signInStatus(err), username, "Enter the code we sent to confirm your account.", p.signInMessage(err))
		return
	}
	http.Redirect(w, r, req.pageURL("/login")+"&notice=confirmed", http.StatusFound)
}

func (p *Provider) resendCode(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username := r.PostFormValue("username")
	out, err := p.pools.ResendConfirmationCode(r.Context(), &userpool.ResendConfirmationCodeInput{ClientId: req.client.ClientID,
		SecretHash: req.client.SecretHash(username), Username: username})
	if err != nil {
		p.showConfirm(w, r, req, signInStatus(err), username, "Enter the code we sent to confirm your account.", p.signInMessage(err))
		return
	}
	p.showConfirm(w, r, req, http.StatusOK, username, deliveryLead(out.CodeDeliveryDetails), "")
}

func (p *Provider) forgotPasswordPage(w http.ResponseWriter, r *http.Request) {
	if req := p.pageRequest(w, r); req != nil {
		p.showForgot(w, r, req, http.StatusOK, "", "")
	}
}

func (p *Provider) showForgot(w http.ResponseWriter, r *http.Request, req *authRequest, status int, username, errText string) {
	pg, _, err := p.newPage(w, r, req, "Forgot your password?")
	if err != nil {
		p.internalError(w, err)
		return
	}
	pg.Action = template.URL(req.pageURL("/forgotPassword"))
	pg.Username, pg.Error = username, errText
	p.render(w, status, "forgot", pg)
}

func (p *Provider) forgotPassword(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	out, err := p.pools.ForgotPassword(r.Context(), &userpool.ForgotPasswordInput{ClientId: req.client.ClientID,
		SecretHash: req.client.SecretHash(username), Username: username})
	if err != nil {
		p.showForgot(w, r, req, signInStatus(err), username, p.signInMessage(err))
		return
	}
	lead := "We have sent a password reset code. Enter it below to reset your password."
	if d := out.CodeDeliveryDetails; d != nil && d.Destination != "" {
		lead = "We have sent a password reset code by " + strings.ToLower(d.DeliveryMedium) + " to " + d.Destination + ". Enter it below to reset your password."
	}
	p.showReset(w, r, req, http.StatusOK, username, lead, "")
}

func (p *Provider) showReset(w http.ResponseWriter, r *http.Request, req *authRequest, status int, username, lead, errText string) {
	pg, hp, err := p.newPage(w, r, req, "Reset your password")
	if err != nil {
		p.internalError(w, err)
		return
	}
	pg.Action = template.URL(req.pageURL("/confirmForgotPassword"))
	pg.Username, pg.Lead, pg.Error, pg.Policy = username, lead, errText, policyLines(hp.PasswordPolicy)
	p.render(w, status, "reset", pg)
}

func (p *Provider) confirmForgotPassword(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	lead := "Enter the code we sent and your new password."
	if password != r.PostFormValue("confirmPassword") {
		p.showReset(w, r, req, http.StatusBadRequest, username, lead, "Passwords do not match.")
		return
	}
	_, err := p.pools.ConfirmForgotPassword(r.Context(), &userpool.ConfirmForgotPasswordInput{ClientId: req.client.ClientID,
		SecretHash: req.client.SecretHash(username), Username: username, ConfirmationCode: strings.TrimSpace(r.PostFormValue("code")), Password: password})
	if err != nil {
		p.showReset(w, r, req, signInStatus(err), username, lead, p.signInMessage(err))
		return
	}
	http.Redirect(w, r, req.pageURL("/login")+"&notice=passwordReset", http.StatusFound)
}

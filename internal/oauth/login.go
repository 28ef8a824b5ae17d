package oauth

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// maxFormBytes bounds a hosted form's body: a few fields.
const maxFormBytes = 64 << 10

// genericError is Cognito's answer for what the page cannot explain.
const genericError = "An error was encountered with the requested page."

// newPage starts a page for an authorization request: who it is for, its
// links, and the browser's CSRF token.
func (p *Provider) newPage(w http.ResponseWriter, r *http.Request, req *authRequest, title string) (*page, *userpool.HostedPool, error) {
	hp, err := p.pools.DescribeHostedPool(r.Context(), req.client.PoolID)
	if err != nil {
		return nil, nil, err
	}
	pg := &page{Title: title, Lang: "en", PoolName: hp.Name, ClientName: req.client.Name, CSRF: p.csrfToken(w, r),
		LoginURL: template.URL(req.pageURL("/login")), ForgotURL: template.URL(req.pageURL("/forgotPassword")),
		UsernameLabel: "Username", UsernameNoun: "username", UsernameType: "text"}
	if hp.SelfSignUp {
		pg.SignUpURL = template.URL(req.pageURL("/signup"))
	}
	look, err := p.pools.HostedLookFor(r.Context(), req.client.PoolID, req.client.ClientID)
	if err != nil {
		return nil, nil, err
	}
	if look != nil {
		q := url.Values{"pool": {look.PoolID}, "client": {look.ClientID}, "v": {look.Version}}.Encode()
		if look.CSS != "" {
			pg.CustomCSS = "/hosted/custom.css?" + q
		}
		if look.ImageType != "" {
			pg.LogoURL = "/hosted/logo?" + q
		}
	}
	if name := []rune(hp.Name); len(name) > 0 {
		pg.Initial = strings.ToUpper(string(name[0]))
	}
	switch {
	case slices.Contains(hp.UsernameAttributes, "email") && slices.Contains(hp.UsernameAttributes, "phone_number"):
		pg.UsernameLabel, pg.UsernameNoun = "Email or phone number", "email or phone number"
	case slices.Contains(hp.UsernameAttributes, "email"):
		pg.UsernameLabel, pg.UsernameNoun, pg.UsernameType = "Email", "email address", "email"
	case slices.Contains(hp.UsernameAttributes, "phone_number"):
		pg.UsernameLabel, pg.UsernameNoun, pg.UsernameType = "Phone number", "phone number", "tel"
	}
	return pg, hp, nil
}

// pageRequest checks the authorization request a hosted page carries in
// its query; a refused one is answered and nil returned.
func (p *Provider) pageRequest(w http.ResponseWriter, r *http.Request) *authRequest {
	req, fail := p.checkAuthRequest(r.Context(), r.URL.Query())
	if fail != nil {
		p.fail(w, r, req, fail)
		return nil
	}
	return req
}

// postedForm reads a hosted form's body and checks its CSRF token; a
// failing form is answered and false returned.
func (p *Provider) postedForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p.showError(w, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	if !csrfValid(r) {
		p.showError(w, http.StatusBadRequest, "The form has expired or did not come from this page. Go back, reload the page and try again.")
		return false
	}
	return true
}

func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil {
		return
	}
	p.showLogin(w, r, req, http.StatusOK, "", "", r.URL.Query().Get("notice"))
}

func (p *Provider) showLogin(w http.ResponseWriter, r *http.Request, req *authRequest, status int, username, errText, notice string) {
	pg, hp, err := p.newPage(w, r, req, "Sign in")
	if err != nil {
		p.internalError(w, err)
		return
	}
	pg.Action = template.URL(req.pageURL("/login"))
	pg.Username, pg.Error, pg.Notice = username, errText, notices[notice]
	pg.LocalSignIn = req.client.SupportsProvider(userpool.IdentityProviderCognito) || len(req.client.Config.SupportedIdentityProviders) == 0
	pg.OtherWays = pg.LocalSignIn && hp.Passwordless && req.client.AllowsUserAuth()
	pg.Providers = providerButtons(req)
	p.render(w, status, "login", pg)
}

// notices are the messages a page may be sent to show, by name.
var notices = map[string]string{
	"confirmed":     "Your account is confirmed. Sign in to continue.",
	"passwordReset": "Your password has been changed. Sign in with your new password.",
}

// login is the sign-in form's POST: the engine's password step (or, for
// "Sign in another way", USER_AUTH's choice), then the page of the
// challenge it answers with, or the client's redirect.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	var step *userpool.HostedStep
	var err error
	switch {
	case r.PostFormValue("otherWays") != "" && req.client.AllowsUserAuth():
		if username == "" {
			p.showLogin(w, r, req, http.StatusBadRequest, username, "Enter your username first, then choose another way to sign in.", "")
			return
		}
		step, err = p.pools.HostedChooseSignIn(r.Context(), p.caller(r), req.client.ClientID, username, "")
	case username == "" || password == "":
		p.showLogin(w, r, req, http.StatusBadRequest, username, "Username and password are required.", "")
		return
	default:
		step, err = p.pools.HostedSignIn(r.Context(), p.caller(r), req.client.ClientID, username, password, p.deviceToken(r, req.client.PoolID))
	}
	if err != nil {
		p.showLogin(w, r, req, signInStatus(err), username, p.signInMessage(err), "")
		return
	}
	p.next(w, r, req, username, step)
}

// next goes on from a sign-in step: a signed-in user is remembered on
// this browser as the pool says, offered a passkey when they have none,
// and sent to the client; a challenge gets its page.
func (p *Provider) next(w http.ResponseWriter, r *http.Request, req *authRequest, username string, step *userpool.HostedStep) {
	if step.User != nil {
		authTime := p.now()
		p.startSession(w, r, step.User, authTime)
		p.rememberBrowser(w, r, step)
		if step.OfferPasskey && p.offerPasskey(w, r, req, step.User) {
			return
		}
		p.complete(w, r, req, step.User, authTime)
		return
	}
	cp, ok := challengePages[step.ChallengeName]
	if !ok {
		p.showLogin(w, r, req, http.StatusBadRequest, username,
			"This account needs a sign-in step ("+string(step.ChallengeName)+") the hosted pages do not offer.", "")
		return
	}
	p.showChallenge(w, r, req, cp, username, step, http.StatusOK, "")
}

func (p *Provider) showChallenge(w http.ResponseWriter, r *http.Request, req *authRequest, cp challengePage, username string, step *userpool.HostedStep, status int, errText string) {
	pg, hp, err := p.newPage(w, r, req, cp.title)
	if err != nil {
		p.internalError(w, err)
		return
	}
	pg.Action = template.URL(req.pageURL("/challenge"))
	pg.Username, pg.Challenge, pg.Error = username, string(step.ChallengeName), errText
	pg.Carried = map[string]string{}
	if cp.prepare != nil {
		if err := cp.prepare(r.Context(), p, pg, hp, step); err != nil {
			p.showLogin(w, r, req, signInStatus(err), username, p.signInMessage(err), "")
			return
		}
	}
	pg.Session = step.Session // prepare may have moved the sign-in on
	p.render(w, status, cp.template, pg)
}

// carriedPrefix names the hidden fields a challenge page carries its
// parameters in, so that a retry shows them again (a code's destination,
// a token's secret, a passkey's options). They are shown, never trusted:
// the engine's session holds everything it checks.
const carriedPrefix = "param."

// answerChallenge is a challenge page's POST.
func (p *Provider) answerChallenge(w http.ResponseWriter, r *http.Request) {
	req := p.pageRequest(w, r)
	if req == nil || !p.postedForm(w, r) {
		return
	}
	name := signin.ChallengeName(r.PostFormValue("challenge"))
	cp, ok := challengePages[name]
	if !ok {
		p.showError(w, http.StatusBadRequest, genericError)
		return
	}
	username, session := r.PostFormValue("username"), r.PostFormValue("session")
	retry := &userpool.HostedStep{ChallengeName: name, Session: session, ChallengeParameters: map[string]string{}}
	for key, values := range r.PostForm {
		if param, ok := strings.CutPrefix(key, carriedPrefix); ok && len(values) == 1 {
			retry.ChallengeParameters[param] = values[0]
		}
	}
	answers, problem := cp.answers(r.PostForm)
	if problem != "" {
		p.showChallenge(w, r, req, cp, username, retry, http.StatusBadRequest, problem)
		return
	}
	answers["USERNAME"] = username
	step, err := p.pools.HostedRespond(r.Context(), p.caller(r), req.client.ClientID, name, session, answers, p.deviceToken(r, req.client.PoolID))
	if err != nil {
		if e, ok := awserr.As(err); ok && slices.Contains(retryableCodes, e.Code) {
			p.showChallenge(w, r, req, cp, username, retry, http.StatusBadRequest, withHint(e.Message, cp.retryHint)) // the session is still good
			return
		}
		p.showLogin(w, r, req, signInStatus(err), username, p.signInMessage(err), "")
		return
	}
	p.next(w, r, req, username, step)
}

// withHint is Cognito's message for a refused answer, then what to do.
func withHint(message, hint string) string {
	if hint == "" {
		return message
	}
	if !strings.HasSuffix(message, ".") {
		message += "."
	}
	return message + " " + hint
}

// retryableCodes are the refusals after which a challenge's session is
// still good: the page asks again.
var retryableCodes = []string{awserr.InvalidPassword, awserr.InvalidParameter, awserr.CodeMismatch, "EnableSoftwareTokenMFAException"}

// signInMessage is what the page says of a refused step: Cognito's own
// message for Cognito's errors, nothing of moat's faults.
func (p *Provider) signInMessage(err error) string {
	if e, ok := awserr.As(err); ok && e.Code != awserr.InternalError {
		return e.Message
	}
	p.log.Error("hosted sign-in", "err", err)
	return genericError
}

func signInStatus(err error) int {
	if e, ok := awserr.As(err); ok {
		switch e.Code {
		case awserr.InternalError:
			return http.StatusInternalServerError
		case awserr.TooManyRequests:
			return http.StatusTooManyRequests
		}
	}
	return http.StatusBadRequest
}

// showError is the error page, for what cannot go back to a form.
func (p *Provider) showError(w http.ResponseWriter, status int, lead string) {
	p.render(w, status, "error", &page{Title: "Something went wrong", Lang: "en", PoolName: "Sign in", Initial: "!", Lead: lead})
}

func (p *Provider) internalError(w http.ResponseWriter, err error) {
	p.log.Error("hosted page", "err", err)
	p.showError(w, http.StatusInternalServerError, genericError)
}

// errorPage is GET /error, where refused requests that cannot go back to
// a client end: Cognito answers 400 with its one sentence.
func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request) {
	lead := genericError
	if r.URL.Query().Get("error") == "redirect_mismatch" {
		lead += " The application's sign-in link names an unknown app client or a redirect URL the app client does not allow."
	}
	p.showError(w, http.StatusBadRequest, lead)
}

func (p *Provider) notFound(w http.ResponseWriter, _ *http.Request) {
	p.showError(w, http.StatusNotFound, "There is no page here.")
}

// challengePage is the page for one challenge the engine may answer a
// sign-in with: its template and title, what it shows of the challenge
// (prepare may also move the sign-in on, as MFA_SETUP's page sets up the
// token it shows), how it turns the form into the challenge's responses
// (problem is a message for the page when the form is not complete), and
// what a refused answer's message adds. Each challenge's page registers
// itself from its own file.
type challengePage struct {
	template, title string
	prepare         func(ctx context.Context, p *Provider, pg *page, hp *userpool.HostedPool, step *userpool.HostedStep) error
	answers         func(form url.Values) (responses map[string]string, problem string)
	retryHint       string
}

var challengePages = map[signin.ChallengeName]challengePage{}

func registerChallengePage(name signin.ChallengeName, cp challengePage) {
	if _, dup := challengePages[name]; dup {
		panic("oauth: challenge page " + string(name) + " registered twice")
	}
	challengePages[name] = cp
}

// now is the sign-in time recorded in sessions and tokens.
func (p *Provider) now() int64 { return p.clock().Unix() }

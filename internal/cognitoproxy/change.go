package cognitoproxy

import (
	"encoding/json"
	"slices"
	"strings"
)

// In front of a pool that publishes no events of its own (Amazon Cognito),
// the proxy says what each successful call changed, for the gateway to
// record in moat's outbox. The detail-types are moat's user-pool events'
// own; the source tells them apart.

// EventSource is the EventBridge source of the events the proxy publishes.
const EventSource = "moat.cognito-proxy"

// changeKinds are the detail-types of the operations that change a user;
// InitiateAuth and RespondToAuthChallenge are a sign-in when they open a
// session (answer with a refresh token), as a pool's own events count them.
var changeKinds = map[string]string{
	"SignUp":                 "User Signed Up",
	"ConfirmSignUp":          "User Confirmed",
	"ConfirmForgotPassword":  "User Password Reset",
	"ChangePassword":         "User Password Changed",
	"UpdateUserAttributes":   "User Attributes Updated",
	"DeleteUserAttributes":   "User Attributes Deleted",
	"VerifyUserAttribute":    "User Attribute Verified",
	"GlobalSignOut":          "User Signed Out Globally",
	"DeleteUser":             "User Deleted",
	"InitiateAuth":           "User Signed In",
	"RespondToAuthChallenge": "User Signed In",
}

// Change is what one successful call changed: its event's detail-type and
// detail, and the stream the event stays in order with (the pool and the
// username the calls name).
type Change struct {
	DetailType string
	Detail     ChangeDetail
	Stream     string
}

// ChangeDetail is the event's detail, in the shape of moat's user-pool
// events; it never holds a password, code or token.
type ChangeDetail struct {
	UserPoolID        string   `json:"userPoolId,omitempty"`
	Sub               string   `json:"sub,omitempty"`
	Username          string   `json:"username"`
	Operation         string   `json:"operation"`
	ClientID          string   `json:"clientId,omitempty"`
	AuthFlow          string   `json:"authFlow,omitempty"`
	ChangedAttributes []string `json:"changedAttributes,omitempty"`
}

// Change is what c, answered 200 with answer (the upstream's, before
// Answer), changed; ok is false when it changed no user.
func (p *Proxy) Change(c *Call, answer []byte) (Change, bool) {
	kind, ok := changeKinds[c.Operation]
	if !ok {
		return Change{}, false
	}
	d := ChangeDetail{Operation: c.Operation, Username: c.username, AuthFlow: c.authFlow, ChangedAttributes: c.attributes}
	who := c.token
	switch c.Operation {
	case "InitiateAuth", "RespondToAuthChallenge":
		var signedIn struct {
			AuthenticationResult *struct{ AccessToken, RefreshToken string }
		}
		if json.Unmarshal(answer, &signedIn) != nil || signedIn.AuthenticationResult == nil || signedIn.AuthenticationResult.RefreshToken == "" {
			return Change{}, false // a challenge, or a refresh: no new session
		}
		who = readClaims(signedIn.AuthenticationResult.AccessToken)
	case "SignUp":
		var up struct{ UserSub string }
		_ = json.Unmarshal(answer, &up) // a sub is a bonus
		who.Sub = up.UserSub
	}
	if c.client != nil {
		d.ClientID = c.client.id
	}
	d.Sub = who.Sub
	if who.Username != "" {
		d.Username = who.Username
	}
	d.UserPoolID = poolOf(who.Issuer)
	if d.Username == "" {
		return Change{}, false
	}
	return Change{DetailType: kind, Detail: d, Stream: "cognito-proxy/" + d.UserPoolID + "/" + strings.ToLower(d.Username)}, true
}

// poolOf is the pool id an issuer URL ends in.
func poolOf(issuer string) string {
	if i := strings.LastIndexByte(issuer, '/'); i >= 0 && strings.Contains(issuer[i:], "_") {
		return issuer[i+1:]
	}
	return ""
}

// attributeNames are the attribute names (never values) a call changes.
func attributeNames(op string, fields map[string]json.RawMessage) []string {
	var names []string
	switch op {
	case "UpdateUserAttributes":
		var attrs []struct{ Name string }
		_ = json.Unmarshal(fields["UserAttributes"], &attrs) // the upstream refuses a malformed list
		for _, a := range attrs {
			names = append(names, a.Name)
		}
	case "DeleteUserAttributes":
		_ = json.Unmarshal(fields["UserAttributeNames"], &names)
	case "VerifyUserAttribute":
		if name, _ := stringField(fields, "AttributeName"); name != "" {
			names = []string{name}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

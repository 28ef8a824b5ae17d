package cognitoproxy

import (
	"bytes"
	"encoding/json"
	"errors"
)

var errUnreadableAnswer = errors.New("cognito proxy: the upstream's AuthenticationResult is not an object of string tokens")

// Answer rewrites the upstream's successful answer to c for the client: a
// refresh token is wrapped with its user, and ID and access tokens are
// sealed when the proxy seals them. Any other answer passes as it is.
func (p *Proxy) Answer(c *Call, body []byte) ([]byte, error) {
	if c.client == nil || !bytes.Contains(body, []byte(`"AuthenticationResult"`)) {
		return body, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, errUnreadableAnswer
	}
	raw, ok := fields["AuthenticationResult"]
	if !ok || string(raw) == "null" {
		return body, nil
	}
	var result map[string]json.RawMessage
	if err := json.Unmarshal(raw, &result); err != nil {
		return nil, errUnreadableAnswer
	}
	tokens := map[string]string{}
	for _, name := range []string{"AccessToken", "IdToken", "RefreshToken"} {
		token, err := stringField(result, name)
		if err != nil {
			return nil, errUnreadableAnswer
		}
		tokens[name] = token
	}
	if refresh := tokens["RefreshToken"]; refresh != "" {
		setString(result, "RefreshToken", p.keys.wrapRefresh(c.client.id, c.refreshUser(tokens["AccessToken"]), refresh))
	}
	if p.sealTokens {
		for name, kind := range map[string]string{"AccessToken": "access", "IdToken": "id"} {
			if tokens[name] != "" {
				setString(result, name, p.keys.sealJWT(kind, tokens[name]))
			}
		}
	}
	fields["AuthenticationResult"], _ = json.Marshal(result) // raw values
	return json.Marshal(fields)
}

// refreshUser is the username a refresh's SECRET_HASH is computed over:
// Cognito's own username for the user, which its access token carries
// (for a pool that signs in by email it is the sub, not the address).
func (c *Call) refreshUser(accessToken string) string {
	cl := readClaims(accessToken)
	switch {
	case cl.Username != "":
		return cl.Username
	case cl.Sub != "":
		return cl.Sub
	}
	return c.username
}

// Package cognitoproxy is the Cognito-API proxy for public clients: what a
// gateway route of type cognito_idp does to each Cognito user-pool call
// between a client that holds no app-client secret and the user pool
// behind (a moat pool or Amazon Cognito). It refuses operations off its
// allow-list, adds the SECRET_HASH (or ClientSecret) the secret-holding
// client's calls need, spends a per-user rate limit, and wraps the tokens it
// hands out so they only work through it. It knows nothing of HTTP: the
// gateway integration forwards what Rewrite returns and passes the
// upstream's answer through Answer.
package cognitoproxy

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/throttle"
)

// MoatUpstream is the upstream that means this moat's own identity
// listener, whose pools emit their own user-change events.
const MoatUpstream = "moat"

// Settings are a cognito_idp integration's settings, written beside its
// type in the route's integration.
type Settings struct {
	// Upstream is "moat" (this moat's identity listener) or a Cognito
	// endpoint URL (https://cognito-idp.eu-west-1.amazonaws.com).
	Upstream string `yaml:"upstream,omitempty"`
	// Clients are the app clients the proxy serves; a request naming any
	// other ClientId is refused.
	Clients []Client `yaml:"clients,omitempty"`
	// Operations is the allow-list; empty: every operation Cognito offers
	// public clients (PublicOperations). Admin and IAM-signed operations
	// never pass.
	Operations []string `yaml:"operations,omitempty"`
	// UserLimit is each user's budget of calls through the proxy, whatever
	// address they come from: keyed by the username a call names, or the
	// sub of its access token.
	UserLimit *throttle.Rate `yaml:"userLimit,omitempty"`
	// SealTokens hands clients ID and access tokens whose signature only
	// this proxy can restore, so they are refused by the upstream itself.
	SealTokens bool `yaml:"sealTokens,omitempty"`
}

// Client is an app client the proxy serves. With a secret (read from the
// environment or a file, never written in the config) the proxy adds the
// SECRET_HASH its calls need; without one it passes them as they are.
type Client struct {
	ClientID       string `yaml:"clientId"`
	SecretFromEnv  string `yaml:"secretFromEnv,omitempty"`
	SecretFromFile string `yaml:"secretFromFile,omitempty"`
}

// IsZero reports whether no setting is given, as on every integration of
// another type.
func (s Settings) IsZero() bool {
	return s.Upstream == "" && len(s.Clients) == 0 && len(s.Operations) == 0 && s.UserLimit == nil && !s.SealTokens
}

// Validate checks the settings' shape; secrets are read when the route is
// built. An empty value is another type's integration and valid here.
func (s Settings) Validate() error {
	if s.IsZero() {
		return nil
	}
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, configfile.Errorf(path, format, args...)) }
	if err := checkUpstream(s.Upstream); err != nil {
		bad("upstream", "%v", err)
	}
	if len(s.Clients) == 0 {
		bad("clients", "name at least one app client (clientId, and secretFromEnv or secretFromFile when it has a secret)")
	}
	seen := map[string]bool{}
	for i, c := range s.Clients {
		at := configfile.Index("clients", i)
		switch {
		case c.ClientID == "":
			bad(at+".clientId", "is empty")
		case seen[c.ClientID]:
			bad(at+".clientId", "%q is listed twice", c.ClientID)
		}
		seen[c.ClientID] = true
		if c.SecretFromEnv != "" && c.SecretFromFile != "" {
			bad(at, "set secretFromEnv or secretFromFile, not both")
		}
	}
	for i, op := range s.Operations {
		if err := checkOperation(op); err != nil {
			bad(configfile.Index("operations", i), "%v", err)
		}
	}
	if r := s.UserLimit; r != nil && (r.PerMinute <= 0 || r.Burst < 1) {
		bad("userLimit", "perMinute must be above 0 and burst at least 1")
	}
	return errors.Join(errs...)
}

func checkUpstream(upstream string) error {
	if upstream == MoatUpstream {
		return nil
	}
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not %q or a Cognito endpoint URL (https://cognito-idp.<region>.amazonaws.com)", upstream, MoatUpstream)
	}
	return nil
}

// checkOperation refuses names that are not Cognito's public operations,
// admin operations first.
func checkOperation(op string) error {
	switch {
	case strings.HasPrefix(op, "Admin"):
		return fmt.Errorf("%s is an admin operation, which never passes the proxy", op)
	case !slices.Contains(PublicOperations, op):
		return fmt.Errorf("%s is not an operation Cognito offers public clients (%s)", op, strings.Join(PublicOperations, ", "))
	}
	return nil
}

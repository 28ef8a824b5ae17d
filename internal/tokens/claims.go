package tokens

import (
	"encoding/json"
	"math"
	"strings"
)

// Claims are a verified token's claims, in the names moat's code uses.
// A Claims may be shared by every caller that verified the same token:
// treat it, and Raw, as read-only.
type Claims struct {
	PoolID    string
	TokenUse  string // "id" or "access"
	Subject   string
	Username  string // cognito:username (ID token) or username (access token)
	ClientID  string // aud (ID token) or client_id (access token)
	OriginJTI string
	JTI       string
	Groups    []string // cognito:groups
	Scopes    []string // scope, split on spaces
	IssuedAt  int64
	ExpiresAt int64
	AuthTime  int64
	Raw       map[string]any // every claim as decoded
}

// parseClaims reads a verified payload, returning its nbf (0 when absent)
// beside the claims. A claim of the wrong JSON type, or a missing token_use or
// exp, makes the token invalid.
func parseClaims(poolID string, payload []byte) (*Claims, int64, error) {
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil || raw == nil {
		return nil, 0, ErrInvalid
	}
	r := claimReader{raw: raw}
	c := &Claims{
		PoolID:    poolID,
		TokenUse:  r.str("token_use"),
		Subject:   r.str("sub"),
		OriginJTI: r.str("origin_jti"),
		JTI:       r.str("jti"),
		Groups:    r.strs("cognito:groups"),
		Scopes:    r.words("scope"),
		IssuedAt:  r.seconds("iat"),
		ExpiresAt: r.seconds("exp"),
		AuthTime:  r.seconds("auth_time"),
		Raw:       raw,
	}
	switch c.TokenUse {
	case UseID:
		c.Username, c.ClientID = r.str("cognito:username"), r.str("aud")
	case UseAccess:
		c.Username, c.ClientID = r.str("username"), r.str("client_id")
	default:
		return nil, 0, ErrInvalid
	}
	notBefore := r.seconds("nbf")
	if r.bad || c.ExpiresAt == 0 {
		return nil, 0, ErrInvalid
	}
	return c, notBefore, nil
}

// claimReader reads optional claims, remembering whether any had the wrong type.
type claimReader struct {
	raw map[string]any
	bad bool
}

func (r *claimReader) str(name string) string {
	v, ok := r.raw[name]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	r.bad = r.bad || !ok
	return s
}

func (r *claimReader) strs(name string) []string {
	v, ok := r.raw[name]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		r.bad = true
		return nil
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			r.bad = true
			return nil
		}
		out = append(out, s)
	}
	return out
}

// words reads a space-separated list, like scope.
func (r *claimReader) words(name string) []string {
	if s := r.str(name); s != "" {
		return strings.Fields(s)
	}
	return nil
}

// maxSeconds keeps times where float64 is exact and far beyond any real date.
const maxSeconds = 1 << 53

// seconds reads a NumericDate; it must be a whole, non-negative number.
func (r *claimReader) seconds(name string) int64 {
	v, ok := r.raw[name]
	if !ok {
		return 0
	}
	f, ok := v.(float64)
	if !ok || f < 0 || f > maxSeconds || f != math.Trunc(f) {
		r.bad = true
		return 0
	}
	return int64(f)
}

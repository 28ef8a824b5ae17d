package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// userState is the bookkeeping kept with a user that needs no index.
type userState struct {
	// TempPasswordExpiresAt bounds a FORCE_CHANGE_PASSWORD password's life.
	TempPasswordExpiresAt int64 `json:"tempPasswordExpiresAt,omitempty"`
	// Codes are the verification codes awaiting use, by purpose.
	Codes map[string]pendingCode `json:"codes,omitempty"`
	// FailedSignIns counts consecutive wrong passwords; LockedUntilMillis is
	// when the next attempt may be made once the count reached the threshold.
	FailedSignIns     int   `json:"failedSignIns,omitempty"`
	LockedUntilMillis int64 `json:"lockedUntilMs,omitempty"`
	// SRPSalt and SRPVerifier (hex) let the user sign in with USER_SRP_AUTH;
	// users whose password predates them cannot until it is set again.
	SRPSalt     string `json:"srpSalt,omitempty"`
	SRPVerifier string `json:"srpVerifier,omitempty"`
	// SRPSpent holds the secret blocks already used, until they expire.
	SRPSpent map[string]int64 `json:"srpSpent,omitempty"`
	// MFA is the user's second factors (mfa_user.go).
	MFA userMFA `json:"mfa,omitzero"`
	// PasskeyRegistration is a passkey registration awaiting completion.
	PasskeyRegistration *pendingPasskey `json:"passkeyRegistration,omitempty"`
}

func decodeState(u store.User) (userState, error) {
	var st userState
	if len(u.State) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(u.State, &st); err != nil {
		return st, awserr.Internal(err)
	}
	return st, nil
}

func encodeState(st userState) []byte {
	b, _ := json.Marshal(st)
	return b
}

// userKey is how the pool compares usernames.
func (p *pool) userKey(username string) string {
	if p.caseSensitive() {
		return username
	}
	return strings.ToLower(username)
}

// lookupUser finds a user by exact username (admin operations).
func (s *Service) lookupUser(ctx context.Context, p *pool, username string) (store.User, error) {
	if username == "" {
		return store.User{}, invalidParameter("1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null")
	}
	u, err := s.store.GetUser(ctx, p.ID, p.userKey(username))
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return u, awserr.Internal(err)
	}
	if found, ok, err := s.findBySignInAttribute(ctx, p, username); err != nil || ok {
		return found, err
	}
	return u, errUserNotFound
}

// adminUser resolves the pool and user an admin operation names.
func (s *Service) adminUser(ctx context.Context, poolID, username string) (*pool, store.User, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, store.User{}, err
	}
	u, err := s.lookupUser(ctx, p, username)
	return p, u, err
}

// findBySignInAttribute resolves an email, phone number or preferred username
// a pool lets users sign in with. Aliases count only once verified, as in Cognito.
func (s *Service) findBySignInAttribute(ctx context.Context, p *pool, value string) (store.User, bool, error) {
	for _, attr := range p.signInAttributes() {
		candidates := []string{value}
		if lower := strings.ToLower(value); lower != value && !p.caseSensitive() {
			candidates = append(candidates, lower)
		}
		for _, v := range candidates {
			users, err := s.store.FindUsersByAttribute(ctx, p.ID, attr, v)
			if err != nil {
				return store.User{}, false, awserr.Internal(err)
			}
			for _, u := range users {
				if p.usernameIsAttribute(attr) || attr == "preferred_username" || u.Attributes[attr+"_verified"] == "true" {
					return u, true, nil
				}
			}
		}
	}
	return store.User{}, false, nil
}

// attributeList renders attributes sorted by name, optionally only some.
func attributeList(attrs map[string]string, only []string) []AttributeType {
	names := slices.Sorted(maps.Keys(attrs))
	out := make([]AttributeType, 0, len(names))
	for _, n := range names {
		if len(only) > 0 && !slices.Contains(only, n) {
			continue
		}
		out = append(out, AttributeType{Name: n, Value: attrs[n]})
	}
	return out
}

func userType(u store.User, only []string) UserType {
	return UserType{
		Username: u.Username, Attributes: attributeList(u.Attributes, only),
		UserCreateDate: float64(u.CreatedAt), UserLastModifiedDate: float64(u.UpdatedAt),
		Enabled: u.Enabled, UserStatus: u.Status,
	}
}

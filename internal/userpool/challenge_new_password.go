package userpool

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// NEW_PASSWORD_REQUIRED: a user signed in with a temporary password sets
// their own. The session needs no state beyond whose it is.

func init() {
	registerChallenge(signin.NewPasswordRequired, challengeHandler{respond: (*Service).completeNewPassword})
}

// newPasswordChallenge answers a sign-in with a temporary password.
func (s *Service) newPasswordChallenge(a *attempt, u store.User) (*AuthOutput, error) {
	st, err := decodeState(u)
	if err != nil {
		return nil, err
	}
	if st.TempPasswordExpiresAt != 0 && s.clock() > st.TempPasswordExpiresAt {
		return nil, awserr.New(awserr.NotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	visible := map[string]string{}
	for k, v := range u.Attributes {
		if k != "sub" && a.client.canRead(k) {
			visible[k] = v
		}
	}
	attrs, _ := json.Marshal(visible)
	return s.challenge(a, u, signin.NewPasswordRequired, nil, map[string]string{
		"USER_ID_FOR_SRP":    u.Username,
		"requiredAttributes": "[]",
		"userAttributes":     string(attrs),
	}), nil
}

// completeNewPassword replaces a temporary password, sets any attributes the
// response carries (userAttributes.<name>), confirms the user and signs in.
func (s *Service) completeNewPassword(ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
	p, responses := a.pool, a.params
	u, err := s.store.GetUser(ctx, p.ID, cs.UserKey)
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	if err := a.client.checkSecretHash(responses["SECRET_HASH"], responses["USERNAME"], u.Username, u.Sub); err != nil {
		return nil, err
	}
	if u.Status != string(signin.ForceChangePassword) {
		return nil, errInvalidSession
	}
	newPassword := responses["NEW_PASSWORD"]
	if newPassword == "" {
		return nil, invalidParameter("Missing required parameter NEW_PASSWORD")
	}
	np, err := s.newPasswordFor(ctx, p, u.Username, newPassword)
	if err != nil {
		return nil, err
	}
	var attrs []AttributeType
	for k, v := range responses {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			attrs = append(attrs, AttributeType{Name: name, Value: v})
		}
	}
	if err := p.validateAttributes(attrs, false, u.Attributes); err != nil {
		return nil, err
	}
	u, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		if old.Status != string(signin.ForceChangePassword) {
			return old, change{}, errInvalidSession
		}
		old.Status = string(signin.Confirmed)
		next := applyAttributeChanges(old.Attributes, attrs)
		ch := change{kind: passwordChanged, operation: "RespondToAuthChallenge", clientID: a.client.ID,
			attrs: changedAttributes(old.Attributes, next)}
		old.Attributes = next
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		np.setOn(&old, &st)
		st.TempPasswordExpiresAt = 0
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		return old, ch, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return s.secondFactor(ctx, a, u, nextStep{Source: signin.TokensForNewPassword})
}

package userpool

import (
	"context"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

type RespondToAuthChallengeInput struct {
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session,omitempty"`
	ChallengeResponses map[string]string `json:"ChallengeResponses,omitempty"`
	ClientMetadata     map[string]string `json:"ClientMetadata,omitempty"`
}

type AdminRespondToAuthChallengeInput struct {
	UserPoolId string `json:"UserPoolId"`
	RespondToAuthChallengeInput
}

func (s *Service) RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	c, err := s.findClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, c, in)
}

func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, c, &in.RespondToAuthChallengeInput)
}

func (s *Service) respond(ctx context.Context, c *client, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	cs, ok := s.session.open(in.Session)
	var block []byte
	if in.ChallengeName == "PASSWORD_VERIFIER" {
		cs, block, ok = s.openSecretBlock(in)
	}
	if !ok || cs.ClientID != c.ID || cs.Challenge != in.ChallengeName || s.clock() > cs.ExpiresAt {
		return nil, errInvalidSession
	}
	p, err := s.loadPool(ctx, cs.PoolID)
	if err != nil {
		return nil, err
	}
	if in.ChallengeName == "CUSTOM_CHALLENGE" { // the wallet's user may not exist yet
		if err := c.checkSecretHash(in.ChallengeResponses["SECRET_HASH"], in.ChallengeResponses["USERNAME"], cs.UserKey); err != nil {
			return nil, err
		}
		return s.completeWalletSignIn(ctx, p, c, cs, in.ChallengeResponses)
	}
	if in.ChallengeName == "PASSWORD_VERIFIER" && cs.UserKey == "" { // the decoy for an unknown user
		if err := c.checkSecretHash(in.ChallengeResponses["SECRET_HASH"], in.ChallengeResponses["USERNAME"]); err != nil {
			return nil, err
		}
		return nil, errIncorrectCredentials
	}
	u, err := s.store.GetUser(ctx, p.ID, cs.UserKey)
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	if err := c.checkSecretHash(in.ChallengeResponses["SECRET_HASH"], in.ChallengeResponses["USERNAME"], u.Username, u.Sub); err != nil {
		return nil, err
	}
	switch in.ChallengeName {
	case "NEW_PASSWORD_REQUIRED":
		return s.completeNewPassword(ctx, p, c, u, in.ChallengeResponses)
	case "PASSWORD_VERIFIER":
		return s.completePasswordVerifier(ctx, p, c, u, cs, block, in.ChallengeResponses)
	default:
		return nil, invalidParameter("Invalid challenge name %s", in.ChallengeName)
	}
}

// completeNewPassword replaces a temporary password, sets any attributes the
// response carries (userAttributes.<name>), confirms the user and signs in.
func (s *Service) completeNewPassword(ctx context.Context, p *pool, c *client, u store.User, responses map[string]string) (*AuthOutput, error) {
	if u.Status != "FORCE_CHANGE_PASSWORD" {
		return nil, errInvalidSession
	}
	newPassword := responses["NEW_PASSWORD"]
	if newPassword == "" {
		return nil, invalidParameter("Missing required parameter NEW_PASSWORD")
	}
	np, err := p.hashNewPassword(newPassword)
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
	err = s.store.UpdateUser(ctx, p.ID, u.Key, func(old store.User) (store.User, error) {
		if old.Status != "FORCE_CHANGE_PASSWORD" {
			return old, errInvalidSession
		}
		old.Status = "CONFIRMED"
		old.Attributes = applyAttributeChanges(old.Attributes, attrs)
		st, err := decodeState(old)
		if err != nil {
			return old, err
		}
		np.setOn(p, &old, &st)
		st.TempPasswordExpiresAt = 0
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		u = old
		return old, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return s.authenticated(ctx, p, c, u)
}

package userpool

import (
	"context"
	"errors"
	"net/netip"
	"regexp"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

type AdminCreateUserInput struct {
	UserPoolId             string            `json:"UserPoolId"`
	Username               string            `json:"Username"`
	UserAttributes         []AttributeType   `json:"UserAttributes,omitempty"`
	ValidationData         []AttributeType   `json:"ValidationData,omitempty"`
	TemporaryPassword      string            `json:"TemporaryPassword,omitempty"`
	ForceAliasCreation     bool              `json:"ForceAliasCreation,omitempty"`
	MessageAction          string            `json:"MessageAction,omitempty"`
	DesiredDeliveryMediums []string          `json:"DesiredDeliveryMediums,omitempty"`
	ClientMetadata         map[string]string `json:"ClientMetadata,omitempty"`
}

type AdminCreateUserOutput struct {
	User UserType `json:"User"`
}

var (
	usernamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)
	emailPattern    = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	phonePattern    = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

func (s *Service) AdminCreateUser(ctx context.Context, in *AdminCreateUserInput) (*AdminCreateUserOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	switch in.MessageAction {
	case "", "SUPPRESS":
	case "RESEND":
		return s.resendInvitation(ctx, p, in)
	default:
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction)
	}
	if !usernamePattern.MatchString(in.Username) {
		return nil, invalidParameter("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	if err := p.validateAttributes(in.UserAttributes, true, nil); err != nil {
		return nil, err
	}
	attrs, username, sub, err := p.newUser(in.Username, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	pp := p.passwordPolicy()
	temp, np, err := s.temporaryPasswordFor(ctx, p, username, in.TemporaryPassword)
	if err != nil {
		return nil, err
	}
	if _, err := s.preSignUp(ctx, p.call("", netip.Addr{}, in.ClientMetadata), signin.SignUpByAdmin, username, attrs, in.ValidationData); err != nil {
		return nil, err
	}
	if err := s.claimAliases(ctx, p, "", attrs, in.ForceAliasCreation); err != nil {
		return nil, err
	}
	now := s.clock()
	attrs["sub"] = sub
	u := store.User{
		PoolID: p.ID, Key: p.userKey(username), Username: username, Sub: sub,
		Status: string(signin.ForceChangePassword), Enabled: true, Attributes: attrs, CreatedAt: now, UpdatedAt: now,
	}
	st := userState{TempPasswordExpiresAt: now + pp.temporaryPasswordLife()}
	np.setOn(&u, &st)
	u.State = encodeState(st)
	if err := s.users.create(ctx, u, change{kind: userCreated, operation: "AdminCreateUser"}); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return nil, errUsernameExists
		}
		return nil, storeErr(err, poolNotFound(p.ID))
	}
	if in.MessageAction != "SUPPRESS" {
		if err := s.sendInvitation(ctx, p, u, temp, p.call("", netip.Addr{}, in.ClientMetadata)); err != nil {
			return nil, err
		}
	}
	return &AdminCreateUserOutput{User: userType(u, nil)}, nil
}

// newUser is what SignUp and AdminCreateUser store a new user under: its
// attributes as given, its username (assignUsername) and a new sub, which
// is also the username where the pool's usernames are email or phone.
func (p *pool) newUser(given string, attributes []AttributeType) (attrs map[string]string, username, sub string, err error) {
	attrs = make(map[string]string, len(attributes))
	for _, a := range attributes {
		attrs[a.Name] = a.Value
	}
	username, err = p.assignUsername(given, attrs)
	if err != nil {
		return nil, "", "", err
	}
	username, sub = usernameAndSub(username)
	return attrs, username, sub, nil
}

// usernameAndSub makes a new user's sub; an empty username (assignUsername
// chose the sub) becomes the sub.
func usernameAndSub(username string) (string, string) {
	sub := newSub()
	if username == "" {
		return sub, sub
	}
	return username, sub
}

// assignUsername decides the stored username. In pools where users sign in
// with email or phone (UsernameAttributes), the name given is that attribute
// and the username becomes the sub, returned empty here to be filled in.
func (p *pool) assignUsername(given string, attrs map[string]string) (string, error) {
	if len(p.Config.UsernameAttributes) == 0 {
		return given, nil
	}
	switch {
	case p.usernameIsAttribute("email") && emailPattern.MatchString(given):
		if attrs["email"] != "" && attrs["email"] != given {
			return "", invalidParameter("Username and email attribute do not match.")
		}
		attrs["email"] = given
	case p.usernameIsAttribute("phone_number") && phonePattern.MatchString(given):
		attrs["phone_number"] = given
	default:
		return "", invalidParameter("Username should be either an email or a phone number.")
	}
	return "", nil
}

// claimAliases enforces that a verified alias (email, phone) belongs to one
// user; with force, it moves the alias from its old owner, as Cognito does.
func (s *Service) claimAliases(ctx context.Context, p *pool, ownerKey string, attrs map[string]string, force bool) error {
	for _, alias := range p.signInAttributes() {
		v := attrs[alias]
		if v == "" || (alias != "preferred_username" && !p.usernameIsAttribute(alias) && attrs[alias+"_verified"] != "true") {
			continue
		}
		owners, err := s.store.FindUsersByAttribute(ctx, p.ID, alias, v)
		if err != nil {
			return awserr.Internal(err)
		}
		for _, o := range owners {
			if o.Key == ownerKey {
				continue
			}
			if p.usernameIsAttribute(alias) {
				return awserr.New(awserr.UsernameExists, "An account with the given "+alias+" already exists.")
			}
			if o.Attributes[alias+"_verified"] != "true" && alias != "preferred_username" {
				continue
			}
			if !force {
				return awserr.New(awserr.AliasExists, "An account with the given "+alias+" already exists.")
			}
			// The alias's old owner changes too: its copy is no longer verified.
			_, err := s.users.update(ctx, p.ID, o.Key, func(old store.User) (store.User, change, error) {
				old.Attributes[alias+"_verified"] = "false"
				old.UpdatedAt = s.clock()
				return old, change{kind: attributesUpdated, operation: "AliasClaimed", attrs: []string{alias + "_verified"}}, nil
			})
			if err != nil {
				return storeErr(err, nil)
			}
		}
	}
	return nil
}

func (s *Service) resendInvitation(ctx context.Context, p *pool, in *AdminCreateUserInput) (*AdminCreateUserOutput, error) {
	u, err := s.lookupUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	if u.Status != string(signin.ForceChangePassword) {
		return nil, awserr.New(awserr.UnsupportedUserState, "User is already confirmed.")
	}
	pp := p.passwordPolicy()
	temp, np, err := s.temporaryPasswordFor(ctx, p, u.Username, in.TemporaryPassword)
	if err != nil {
		return nil, err
	}
	u, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		st.TempPasswordExpiresAt = s.clock() + pp.temporaryPasswordLife()
		np.setOn(&old, &st)
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		return old, change{kind: passwordSet, operation: "AdminCreateUser"}, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	if err := s.sendInvitation(ctx, p, u, temp, p.call("", netip.Addr{}, in.ClientMetadata)); err != nil {
		return nil, err
	}
	return &AdminCreateUserOutput{User: userType(u, nil)}, nil
}

type UserRef struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

type AdminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []AttributeType `json:"UserAttributes"`
	UserCreateDate       float64         `json:"UserCreateDate"`
	UserLastModifiedDate float64         `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	UserMFASettingList   []string        `json:"UserMFASettingList,omitempty"`
	PreferredMfaSetting  string          `json:"PreferredMfaSetting,omitempty"`
}

func (s *Service) AdminGetUser(ctx context.Context, in *UserRef) (*AdminGetUserOutput, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	out := &AdminGetUserOutput{
		Username: u.Username, UserAttributes: attributeList(u.Attributes, nil),
		UserCreateDate: float64(u.CreatedAt), UserLastModifiedDate: float64(u.UpdatedAt),
		Enabled: u.Enabled, UserStatus: u.Status,
	}
	out.UserMFASettingList, out.PreferredMfaSetting = mfaSettings(u)
	return out, nil
}

func (s *Service) AdminDeleteUser(ctx context.Context, in *UserRef) (*Empty, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.users.delete(ctx, u, change{kind: userDeleted, operation: "AdminDeleteUser"}), errUserNotFound)
}

type AdminSetUserPasswordInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	Permanent  bool   `json:"Permanent"`
}

func (s *Service) AdminSetUserPassword(ctx context.Context, in *AdminSetUserPasswordInput) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	pp := p.passwordPolicy()
	np, err := s.newPasswordFor(ctx, p, u.Username, in.Password)
	if err != nil {
		return nil, err
	}
	_, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		np.setOn(&old, &st)
		if in.Permanent {
			old.Status = string(signin.Confirmed)
			st.TempPasswordExpiresAt = 0
		} else {
			old.Status = string(signin.ForceChangePassword)
			st.TempPasswordExpiresAt = s.clock() + pp.temporaryPasswordLife()
		}
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		return old, change{kind: passwordSet, operation: "AdminSetUserPassword"}, nil
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}

func (s *Service) AdminConfirmSignUp(ctx context.Context, in *UserRef) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	_, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		if old.Status != string(signin.Unconfirmed) {
			return old, change{}, awserr.New(awserr.NotAuthorized, "User cannot be confirmed. Current status is "+old.Status)
		}
		old.Status = string(signin.Confirmed)
		old.UpdatedAt = s.clock()
		return old, change{kind: userConfirmed, operation: "AdminConfirmSignUp"}, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return &Empty{}, s.postConfirmation(ctx, p.call("", netip.Addr{}, nil), signin.ConfirmedSignUp, u.Key)
}

// setEnabled backs AdminDisableUser and AdminEnableUser. Disabling also ends
// every session, as Cognito does.
func (s *Service) setEnabled(ctx context.Context, in *UserRef, enabled bool) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	ch := change{kind: userEnabled, operation: "AdminEnableUser"}
	if !enabled {
		ch = change{kind: userDisabled, operation: "AdminDisableUser"}
	}
	u, err = s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		if old.Enabled == enabled {
			return old, change{kind: bookkeeping}, nil
		}
		old.Enabled = enabled
		old.UpdatedAt = s.clock()
		return old, ch, nil
	})
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	if !enabled {
		return s.signOutEverywhere(ctx, u, "AdminDisableUser")
	}
	return &Empty{}, nil
}

func (s *Service) AdminDisableUser(ctx context.Context, in *UserRef) (*Empty, error) {
	return s.setEnabled(ctx, in, false)
}

func (s *Service) AdminEnableUser(ctx context.Context, in *UserRef) (*Empty, error) {
	return s.setEnabled(ctx, in, true)
}

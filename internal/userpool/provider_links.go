package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Linking: AdminLinkProviderForUser ties an outside provider's user (one
// who has not signed in yet) to an existing pool user, who from then on is
// who that identity signs in as; the link is listed in the user's
// identities. AdminDisableProviderForUser undoes a link, or stops a
// federated user from signing in.

// ProviderUserIdentifierType names a user by provider and attribute.
type ProviderUserIdentifierType struct {
	ProviderName           string `json:"ProviderName,omitempty"`
	ProviderAttributeName  string `json:"ProviderAttributeName,omitempty"`
	ProviderAttributeValue string `json:"ProviderAttributeValue,omitempty"`
}

type AdminLinkProviderForUserInput struct {
	UserPoolId      string                     `json:"UserPoolId"`
	DestinationUser ProviderUserIdentifierType `json:"DestinationUser"`
	SourceUser      ProviderUserIdentifierType `json:"SourceUser"`
}

type AdminDisableProviderForUserInput struct {
	UserPoolId string                     `json:"UserPoolId"`
	User       ProviderUserIdentifierType `json:"User"`
}

// subjectAttribute is how a provider's user is named: its subject.
const subjectAttribute = "Cognito_Subject"

// maxLinks is how many outside identities one user may have.
const maxLinks = 5

func (s *Service) AdminLinkProviderForUser(ctx context.Context, in *AdminLinkProviderForUserInput) (*Empty, error) {
	dst, src := in.DestinationUser, in.SourceUser
	if dst.ProviderName != "Cognito" {
		return nil, invalidParameter("The destination user must be a user of the pool: ProviderName Cognito, with the username as ProviderAttributeValue.")
	}
	if src.ProviderAttributeName != subjectAttribute || src.ProviderAttributeValue == "" {
		return nil, invalidParameter("The source user must be named by %s and the provider's subject; moat links by subject only.", subjectAttribute)
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, dst.ProviderAttributeValue)
	if err != nil {
		return nil, err
	}
	provider, err := s.FederationProvider(ctx, p.ID, src.ProviderName)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetUser(ctx, p.ID, p.userKey(src.ProviderName+"_"+src.ProviderAttributeValue)); err == nil {
		return nil, invalidParameter("Merging is not currently supported, provide a SourceUser that has not been used to sign in.")
	}
	links, err := s.store.ListUserProviderLinks(ctx, p.ID, u.Key)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if len(links) >= maxLinks {
		return nil, awserr.Newf(awserr.LimitExceeded, "A user can be linked to at most %d identities.", maxLinks)
	}
	err = s.store.CreateProviderLink(ctx, store.ProviderLink{PoolID: p.ID, Provider: src.ProviderName, Subject: src.ProviderAttributeValue,
		UserKey: u.Key, CreatedAt: s.clock()})
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, invalidParameter("%s user %s is already linked to a user.", src.ProviderName, src.ProviderAttributeValue)
	}
	if err != nil {
		return nil, storeErr(err, errUserNotFound)
	}
	return &Empty{}, s.changeIdentities(ctx, p.ID, u.Key, func(ids []identity) []identity {
		return append(ids, identity{UserID: src.ProviderAttributeValue, ProviderName: provider.ProviderName, ProviderType: provider.ProviderType,
			Primary: "false", DateCreated: strconv.FormatInt(s.now().UnixMilli(), 10)})
	})
}

func (s *Service) AdminDisableProviderForUser(ctx context.Context, in *AdminDisableProviderForUserInput) (*Empty, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	name, subject := in.User.ProviderName, in.User.ProviderAttributeValue
	if in.User.ProviderAttributeName != subjectAttribute || subject == "" {
		return nil, invalidParameter("The user must be named by %s and the provider's subject.", subjectAttribute)
	}
	link, err := s.store.GetProviderLink(ctx, p.ID, name, subject)
	switch {
	case err == nil:
		if err := s.store.DeleteProviderLink(ctx, p.ID, name, subject); err != nil {
			return nil, storeErr(err, nil)
		}
		return &Empty{}, s.changeIdentities(ctx, p.ID, link.UserKey, func(ids []identity) []identity {
			return slices.DeleteFunc(ids, func(id identity) bool { return id.ProviderName == name && id.UserID == subject })
		})
	case !errors.Is(err, store.ErrNotFound):
		return nil, awserr.Internal(err)
	}
	// Not linked: a federated user of its own, who may no longer sign in.
	_, err = s.users.update(ctx, p.ID, p.userKey(name+"_"+subject), func(u store.User) (store.User, change, error) {
		u.Enabled, u.UpdatedAt = false, s.clock()
		return u, change{kind: userDisabled, operation: "AdminDisableProviderForUser"}, nil
	})
	return &Empty{}, storeErr(err, errUserNotFound)
}

// changeIdentities rewrites a user's identities attribute.
func (s *Service) changeIdentities(ctx context.Context, poolID, key string, rewrite func([]identity) []identity) error {
	_, err := s.users.update(ctx, poolID, key, func(u store.User) (store.User, change, error) {
		var ids []identity
		_ = json.Unmarshal([]byte(u.Attributes["identities"]), &ids) // absent: none
		ids = rewrite(ids)
		if len(ids) == 0 {
			delete(u.Attributes, "identities")
		} else {
			encoded, _ := json.Marshal(ids) // plain structs always encode
			u.Attributes["identities"] = string(encoded)
		}
		u.UpdatedAt = s.clock()
		return u, change{kind: attributesUpdated, operation: "AdminLinkProviderForUser", attrs: []string{"identities"}}, nil
	})
	return storeErr(err, errUserNotFound)
}

// linkedUser is the pool user an outside identity is linked to ("" when
// it is not).
func (s *Service) linkedUser(ctx context.Context, poolID, provider, subject string) (string, error) {
	l, err := s.store.GetProviderLink(ctx, poolID, provider, subject)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", awserr.Internal(err)
	}
	return l.UserKey, nil
}

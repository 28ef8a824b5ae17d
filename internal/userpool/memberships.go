package userpool

import (
	"context"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

type MembershipInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	GroupName  string `json:"GroupName"`
}

// membership resolves the pool, user and group an add or remove names.
func (s *Service) membership(ctx context.Context, in *MembershipInput) (*pool, store.User, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, store.User{}, err
	}
	if _, err := s.store.GetGroup(ctx, p.ID, in.GroupName); err != nil {
		return nil, store.User{}, storeErr(err, groupNotFound())
	}
	return p, u, nil
}

func (s *Service) AdminAddUserToGroup(ctx context.Context, in *MembershipInput) (*Empty, error) {
	_, u, err := s.membership(ctx, in)
	if err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.users.setMembership(ctx, u, in.GroupName, true,
		change{kind: addedToGroup, operation: "AdminAddUserToGroup", group: in.GroupName}), groupNotFound())
}

func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *MembershipInput) (*Empty, error) {
	_, u, err := s.membership(ctx, in)
	if err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.users.setMembership(ctx, u, in.GroupName, false,
		change{kind: removedFromGroup, operation: "AdminRemoveUserFromGroup", group: in.GroupName}), groupNotFound())
}

type AdminListGroupsForUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

func (s *Service) AdminListGroupsForUser(ctx context.Context, in *AdminListGroupsForUserInput) (*ListGroupsOutput, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	groups, err := s.store.ListGroupsForUser(ctx, p.ID, u.Key)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	// Pages are cut by name, so list by name; tokens carry precedence order.
	groups = slices.Clone(groups)
	slices.SortFunc(groups, func(a, b store.Group) int { return strings.Compare(a.Name, b.Name) })
	return groupPage(groups, in.Limit, in.NextToken)
}

type ListUsersInGroupInput struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

type ListUsersInGroupOutput struct {
	Users     []UserType `json:"Users"`
	NextToken string     `json:"NextToken,omitempty"`
}

func (s *Service) ListUsersInGroup(ctx context.Context, in *ListUsersInGroupInput) (*ListUsersInGroupOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if _, err := s.store.GetGroup(ctx, in.UserPoolId, in.GroupName); err != nil {
		return nil, storeErr(err, groupNotFound())
	}
	limit, err := pageLimit(in.Limit, 60)
	if err != nil {
		return nil, err
	}
	users, err := s.store.ListUsersInGroup(ctx, in.UserPoolId, in.GroupName)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	page, next, err := paginate(users, func(u store.User) string { return u.Key }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListUsersInGroupOutput{Users: make([]UserType, 0, len(page)), NextToken: next}
	for _, u := range page {
		out.Users = append(out.Users, userType(u, nil))
	}
	return out, nil
}

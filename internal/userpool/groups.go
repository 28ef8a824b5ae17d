package userpool

import (
	"context"
	"errors"
	"regexp"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

type GroupInput struct {
	UserPoolId  string  `json:"UserPoolId"`
	GroupName   string  `json:"GroupName"`
	Description *string `json:"Description,omitempty"`
	RoleArn     *string `json:"RoleArn,omitempty"`
	Precedence  *int64  `json:"Precedence,omitempty"`
}

type GroupOutput struct {
	Group GroupType `json:"Group"`
}

var groupNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)

func groupDescription(g store.Group) GroupType {
	return GroupType{GroupName: g.Name, UserPoolId: g.PoolID, Description: g.Description, RoleArn: g.RoleARN,
		Precedence: g.Precedence, CreationDate: float64(g.CreatedAt), LastModifiedDate: float64(g.UpdatedAt)}
}

func (in *GroupInput) validate() error {
	if !groupNamePattern.MatchString(in.GroupName) {
		return invalidParameter("1 validation error detected: Value '%s' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", in.GroupName)
	}
	if in.Precedence != nil && *in.Precedence < 0 {
		return invalidParameter("1 validation error detected: Value '%d' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.Precedence)
	}
	return nil
}

func (in *GroupInput) applyTo(g *store.Group) {
	if in.Description != nil {
		g.Description = *in.Description
	}
	if in.RoleArn != nil {
		g.RoleARN = *in.RoleArn
	}
	if in.Precedence != nil {
		g.Precedence = in.Precedence
	}
}

func (s *Service) CreateGroup(ctx context.Context, in *GroupInput) (*GroupOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.clock()
	g := store.Group{PoolID: in.UserPoolId, Name: in.GroupName, CreatedAt: now, UpdatedAt: now}
	in.applyTo(&g)
	if err := s.store.CreateGroup(ctx, g); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return nil, awserr.New(awserr.GroupExists, "A group with the name already exists.")
		}
		return nil, storeErr(err, poolNotFound(in.UserPoolId))
	}
	return &GroupOutput{Group: groupDescription(g)}, nil
}

type GroupRef struct {
	UserPoolId string `json:"UserPoolId"`
	GroupName  string `json:"GroupName"`
}

func (s *Service) GetGroup(ctx context.Context, in *GroupRef) (*GroupOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	g, err := s.store.GetGroup(ctx, in.UserPoolId, in.GroupName)
	if err != nil {
		return nil, storeErr(err, groupNotFound())
	}
	return &GroupOutput{Group: groupDescription(g)}, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *GroupInput) (*GroupOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var updated store.Group
	err := s.store.UpdateGroup(ctx, in.UserPoolId, in.GroupName, func(g store.Group) (store.Group, error) {
		in.applyTo(&g)
		g.UpdatedAt = s.clock()
		updated = g
		return g, nil
	})
	if err != nil {
		return nil, storeErr(err, groupNotFound())
	}
	return &GroupOutput{Group: groupDescription(updated)}, nil
}

type Empty struct{}

func (s *Service) DeleteGroup(ctx context.Context, in *GroupRef) (*Empty, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.users.deleteGroup(ctx, in.UserPoolId, in.GroupName), groupNotFound())
}

type ListGroupsInput struct {
	UserPoolId string `json:"UserPoolId"`
	Limit      int    `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

type ListGroupsOutput struct {
	Groups    []GroupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

func (s *Service) ListGroups(ctx context.Context, in *ListGroupsInput) (*ListGroupsOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	groups, err := s.store.ListGroups(ctx, in.UserPoolId)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return groupPage(groups, in.Limit, in.NextToken)
}

func groupPage(groups []store.Group, limit int, token string) (*ListGroupsOutput, error) {
	limit, err := pageLimit(limit, 60)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(groups, func(g store.Group) string { return g.Name }, token, limit)
	if err != nil {
		return nil, err
	}
	out := &ListGroupsOutput{Groups: make([]GroupType, 0, len(page)), NextToken: next}
	for _, g := range page {
		out.Groups = append(out.Groups, groupDescription(g))
	}
	return out, nil
}

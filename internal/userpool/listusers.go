package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

type ListUsersInput struct {
	UserPoolId      string   `json:"UserPoolId"`
	AttributesToGet []string `json:"AttributesToGet,omitempty"`
	Limit           int      `json:"Limit,omitempty"`
	PaginationToken string   `json:"PaginationToken,omitempty"`
	Filter          string   `json:"Filter,omitempty"`
}

type ListUsersOutput struct {
	Users           []UserType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
}

func (s *Service) ListUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	limit, err := pageLimit(in.Limit, 60)
	if err != nil {
		return nil, err
	}
	filter, err := parseUserFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	for _, a := range in.AttributesToGet {
		if _, ok := p.schemaAttribute(a); !ok {
			return nil, invalidParameter("One or more requested attributes do not exist.")
		}
	}
	after, err := decodePageToken(in.PaginationToken)
	if err != nil {
		return nil, err
	}
	// One extra row tells whether another page follows.
	users, err := s.store.ListUsers(ctx, store.UserQuery{
		PoolID: p.ID, Attribute: filter.Attribute, Value: filter.Value, Prefix: filter.Prefix,
		AfterKey: after, Limit: limit + 1,
	})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	out := &ListUsersOutput{Users: make([]UserType, 0, min(limit, len(users)))}
	if len(users) > limit {
		users = users[:limit]
		out.PaginationToken = encodePageToken(users[limit-1].Key)
	}
	for _, u := range users {
		out.Users = append(out.Users, userType(u, in.AttributesToGet))
	}
	return out, nil
}

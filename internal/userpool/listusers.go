package userpool

import (
	"context"
	"encoding/base64"
	"encoding/json"

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
	afterValue, afterKey, err := decodeUserPageToken(in.PaginationToken)
	if err != nil {
		return nil, err
	}
	// One extra row tells whether another page follows.
	users, err := s.store.ListUsers(ctx, store.UserQuery{
		PoolID: p.ID, Attribute: filter.Attribute, Value: filter.Value, Prefix: filter.Prefix,
		AfterValue: afterValue, AfterKey: afterKey, Limit: limit + 1,
	})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	out := &ListUsersOutput{Users: make([]UserType, 0, min(limit, len(users)))}
	if len(users) > limit {
		users = users[:limit]
		last := users[limit-1]
		out.PaginationToken = encodeUserPageToken(listedValue(filter.Attribute, last), last.Key)
	}
	for _, u := range users {
		out.Users = append(out.Users, userType(u, in.AttributesToGet))
	}
	return out, nil
}

// listedValue is the value a listing filtered on attribute is ordered by
// (the store lists such a filter by that value, then key); "" when it is
// ordered by key alone.
func listedValue(attribute string, u store.User) string {
	switch attribute {
	case "", "status":
		return ""
	case "username":
		return u.Username
	case "cognito:user_status":
		return u.Status
	}
	return u.Attributes[attribute]
}

// A ListUsers page token is the last user's listed value and key.
func encodeUserPageToken(value, key string) string {
	b, _ := json.Marshal([2]string{value, key})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeUserPageToken(token string) (value, key string, err error) {
	if token == "" {
		return "", "", nil
	}
	var last [2]string
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &last) != nil || last[1] == "" {
		return "", "", invalidParameter("Invalid pagination token.")
	}
	return last[0], last[1], nil
}

package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Resource servers are the APIs a pool issues custom scopes for: a scope
// <Identifier>/<ScopeName> in an access token is what API Gateway's
// authorizers check against a route's authorization scopes.

type ResourceServerScopeType struct {
	ScopeName        string `json:"ScopeName"`
	ScopeDescription string `json:"ScopeDescription"`
}

type ResourceServerType struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes"`
}

type ResourceServerInput struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes,omitempty"`
}

type ResourceServerOutput struct {
	ResourceServer ResourceServerType `json:"ResourceServer"`
}

type ResourceServerRef struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

var (
	resourceServerIdentifier = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]{1,256}$`)
	resourceServerName       = regexp.MustCompile(`^[\w\s+=,.@-]{1,256}$`)
	resourceServerScopeName  = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$`)
)

const maxResourceServerScopes = 100

func (in *ResourceServerInput) validate() error {
	switch {
	case !resourceServerIdentifier.MatchString(in.Identifier):
		return invalidParameter("1 validation error detected: Value '%s' at 'identifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+", in.Identifier)
	case !resourceServerName.MatchString(in.Name):
		return invalidParameter("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+", in.Name)
	case len(in.Scopes) > maxResourceServerScopes:
		return invalidParameter("1 validation error detected: Value at 'scopes' failed to satisfy constraint: Member must have length less than or equal to %d", maxResourceServerScopes)
	}
	var seen []string
	for _, sc := range in.Scopes {
		if !resourceServerScopeName.MatchString(sc.ScopeName) {
			return invalidParameter("1 validation error detected: Value '%s' at 'scopes.member.scopeName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+", sc.ScopeName)
		}
		if len(sc.ScopeDescription) < 1 || len(sc.ScopeDescription) > 256 {
			return invalidParameter("1 validation error detected: Value at 'scopes.member.scopeDescription' failed to satisfy constraint: Member must have length between 1 and 256")
		}
		if slices.Contains(seen, sc.ScopeName) {
			return invalidParameter("Duplicate scope names are not allowed: %s", sc.ScopeName)
		}
		seen = append(seen, sc.ScopeName)
	}
	return nil
}

func resourceServerNotFound(identifier string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Resource server %s does not exist.", identifier)
}

func (s *Service) CreateResourceServer(ctx context.Context, in *ResourceServerInput) (*ResourceServerOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	scopes, _ := json.Marshal(in.Scopes) // plain structs always encode
	now := s.clock()
	err := s.store.CreateResourceServer(ctx, store.ResourceServer{PoolID: in.UserPoolId, Identifier: in.Identifier, Name: in.Name,
		Scopes: scopes, CreatedAt: now, UpdatedAt: now})
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, invalidParameter("%s already exists in user pool %s.", in.Identifier, in.UserPoolId)
	}
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.UserPoolId))
	}
	return &ResourceServerOutput{ResourceServer: resourceServerType(in.UserPoolId, in.Identifier, in.Name, in.Scopes)}, nil
}

func (s *Service) DescribeResourceServer(ctx context.Context, in *ResourceServerRef) (*ResourceServerOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	r, err := s.store.GetResourceServer(ctx, in.UserPoolId, in.Identifier)
	if err != nil {
		return nil, storeErr(err, resourceServerNotFound(in.Identifier))
	}
	out, err := decodeResourceServer(r)
	if err != nil {
		return nil, err
	}
	return &ResourceServerOutput{ResourceServer: out}, nil
}

// UpdateResourceServer replaces the name and the whole scope list, as
// Cognito does. A scope dropped here is ignored in tokens from then on; a
// client still listing it is refused at its next update.
func (s *Service) UpdateResourceServer(ctx context.Context, in *ResourceServerInput) (*ResourceServerOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	scopes, _ := json.Marshal(in.Scopes) // plain structs always encode
	err := s.store.UpdateResourceServer(ctx, in.UserPoolId, in.Identifier, func(r store.ResourceServer) (store.ResourceServer, error) {
		r.Name, r.Scopes, r.UpdatedAt = in.Name, scopes, s.clock()
		return r, nil
	})
	if err != nil {
		return nil, storeErr(err, resourceServerNotFound(in.Identifier))
	}
	return &ResourceServerOutput{ResourceServer: resourceServerType(in.UserPoolId, in.Identifier, in.Name, in.Scopes)}, nil
}

func (s *Service) DeleteResourceServer(ctx context.Context, in *ResourceServerRef) (*Empty, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.store.DeleteResourceServer(ctx, in.UserPoolId, in.Identifier), resourceServerNotFound(in.Identifier))
}

// PoolPageInput asks for a page of a pool's resource servers or identity
// providers (ListResourceServers, ListIdentityProviders).
type PoolPageInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

type ListResourceServersOutput struct {
	ResourceServers []ResourceServerType `json:"ResourceServers"`
	NextToken       string               `json:"NextToken,omitempty"`
}

func (s *Service) ListResourceServers(ctx context.Context, in *PoolPageInput) (*ListResourceServersOutput, error) {
	page, next, err := poolPage(ctx, s, in.UserPoolId, in.MaxResults, 50, in.NextToken, s.store.ListResourceServers,
		func(r store.ResourceServer) string { return r.Identifier }, decodeResourceServer)
	if err != nil {
		return nil, err
	}
	return &ListResourceServersOutput{ResourceServers: page, NextToken: next}, nil
}

func resourceServerType(poolID, identifier, name string, scopes []ResourceServerScopeType) ResourceServerType {
	if scopes == nil {
		scopes = []ResourceServerScopeType{}
	}
	return ResourceServerType{UserPoolId: poolID, Identifier: identifier, Name: name, Scopes: scopes}
}

func decodeResourceServer(r store.ResourceServer) (ResourceServerType, error) {
	var scopes []ResourceServerScopeType
	if len(r.Scopes) > 0 {
		if err := json.Unmarshal(r.Scopes, &scopes); err != nil {
			return ResourceServerType{}, awserr.Internal(err)
		}
	}
	return resourceServerType(r.PoolID, r.Identifier, r.Name, scopes), nil
}

// customScopes is every <Identifier>/<ScopeName> the pool's resource
// servers define now.
func (s *Service) customScopes(ctx context.Context, poolID string) ([]string, error) {
	all, err := s.store.ListResourceServers(ctx, poolID)
	if err != nil {
		return nil, storeErr(err, poolNotFound(poolID))
	}
	var out []string
	for _, r := range all {
		rs, err := decodeResourceServer(r)
		if err != nil {
			return nil, err
		}
		for _, sc := range rs.Scopes {
			out = append(out, rs.Identifier+"/"+sc.ScopeName)
		}
	}
	return out, nil
}

// liveScopes drops from a grant the custom scopes whose resource server no
// longer defines them (Cognito ignores a deleted scope at run time).
func (s *Service) liveScopes(ctx context.Context, poolID string, scopes []string) ([]string, error) {
	if !slices.ContainsFunc(scopes, isCustomScope) {
		return scopes, nil
	}
	defined, err := s.customScopes(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(scopes), func(sc string) bool {
		return isCustomScope(sc) && !slices.Contains(defined, sc)
	}), nil
}

func isCustomScope(sc string) bool { return strings.Contains(sc, "/") }

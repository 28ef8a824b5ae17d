package store

import "context"

// ResourceServers are the OAuth resource servers of user pools: APIs whose
// custom scopes (<Identifier>/<scope>) app clients may be granted.
type ResourceServers interface {
	CreateResourceServer(ctx context.Context, r ResourceServer) error // ErrNotFound: no pool; ErrAlreadyExists
	GetResourceServer(ctx context.Context, poolID, identifier string) (ResourceServer, error)
	ListResourceServers(ctx context.Context, poolID string) ([]ResourceServer, error) // ordered by Identifier
	UpdateResourceServer(ctx context.Context, poolID, identifier string, update func(ResourceServer) (ResourceServer, error)) error
	DeleteResourceServer(ctx context.Context, poolID, identifier string) error
}

// ResourceServer is one resource server; Scopes is its scope list as JSON
// (owned by package userpool).
type ResourceServer struct {
	PoolID     string
	Identifier string
	Name       string
	Scopes     []byte
	CreatedAt  int64
	UpdatedAt  int64
}

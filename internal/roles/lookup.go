package roles

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
)

// Compiled is a role with its policies parsed, for the code that decides
// who may assume it and what its sessions may do. It is shared: callers
// must not modify it.
type Compiled struct {
	Role     store.Role
	Trust    *iam.Policy
	Policies []*iam.Policy // the inline policies, ordered by policy name
}

// Lookup returns the role with this ARN, compiled, from a cache that
// changes made here clear at once and others' changes within CacheTTL.
// A missing role is a NoSuchEntity *awserr.Error that also matches
// store.ErrNotFound under errors.Is.
func (s *Service) Lookup(ctx context.Context, arn string) (*Compiled, error) {
	if c, found := s.cache.get(arn); found {
		if c == nil {
			return nil, noSuchARN(arn)
		}
		return c, nil
	}
	generation := s.cache.loadStarting()
	r, err := s.store.GetRoleByARN(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		s.cache.put(arn, nil, generation)
		return nil, noSuchARN(arn)
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	c, err := compile(r)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	s.cache.put(arn, c, generation)
	return c, nil
}

// Policies returns the inline permission policies of the role with this
// ARN (see Lookup), for the SigV4 authorizer's hot path.
func (s *Service) Policies(ctx context.Context, roleARN string) ([]*iam.Policy, error) {
	c, err := s.Lookup(ctx, roleARN)
	if err != nil {
		return nil, err
	}
	return c.Policies, nil
}

func noSuchARN(arn string) error {
	return &awserr.Error{Code: NoSuchEntity, Message: "The role with ARN " + arn + " cannot be found.", Status: http.StatusNotFound, Cause: store.ErrNotFound}
}

// compile parses a stored role's policies. They were validated when stored,
// so a failure here means the store holds something moat did not write.
func compile(r store.Role) (*Compiled, error) {
	trust, err := iam.ParsePolicy([]byte(r.AssumeRolePolicy))
	if err != nil {
		return nil, fmt.Errorf("role %s: stored trust policy: %w", r.Name, err)
	}
	c := &Compiled{Role: r, Trust: trust}
	for _, name := range slices.Sorted(maps.Keys(r.InlinePolicies)) {
		p, err := iam.ParsePolicy([]byte(r.InlinePolicies[name]))
		if err != nil {
			return nil, fmt.Errorf("role %s: stored policy %s: %w", r.Name, name, err)
		}
		c.Policies = append(c.Policies, p)
	}
	return c, nil
}

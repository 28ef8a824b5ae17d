package demo

import (
	"context"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// resource is a demo resource found by name and created when missing.
type resource interface {
	find(ctx context.Context) (id string, err error) // "": none
	create(ctx context.Context) (id string, err error)
	remove(ctx context.Context, id string) error
	exists(ctx context.Context, id string) (bool, error)
}

// claim returns the one id every moat instance uses for a demo resource.
// It is found by name, or created; the setting then decides between
// instances that started at once and each created one: the first id stored
// wins, and a start whose own creation lost removes it.
func claim(ctx context.Context, st store.Store, setting string, r resource) (string, error) {
	candidate, err := r.find(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: %w", setting, err)
	}
	created := candidate == ""
	if created {
		if candidate, err = r.create(ctx); err != nil {
			return "", fmt.Errorf("%s: %w", setting, err)
		}
	}
	winner, err := st.PutSettingIfAbsent(ctx, setting, candidate)
	if err != nil {
		return "", fmt.Errorf("%s: %w", setting, err)
	}
	if winner == candidate {
		return winner, nil
	}
	if created {
		if err := r.remove(ctx, candidate); err != nil {
			return "", fmt.Errorf("%s: remove the duplicate %s: %w", setting, candidate, err)
		}
	}
	ok, err := r.exists(ctx, winner)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: %w", setting, err)
	case !ok:
		return "", fmt.Errorf("%w (%s %s)", ErrDeleted, setting, winner)
	}
	return winner, nil
}

// demoPool is the demo's user pool; the oldest pool of its name is the
// demo's, so a pool an operator later gives the same name does not take over.
type demoPool struct{ pools *userpool.Service }

func (p demoPool) find(ctx context.Context) (string, error) {
	var oldest *userpool.UserPoolDescription
	in := &userpool.ListUserPoolsInput{MaxResults: 60}
	for {
		out, err := p.pools.ListUserPools(ctx, in)
		if err != nil {
			return "", err
		}
		for i, d := range out.UserPools {
			if d.Name == PoolName && (oldest == nil || d.CreationDate < oldest.CreationDate ||
				d.CreationDate == oldest.CreationDate && d.Id < oldest.Id) {
				oldest = &out.UserPools[i]
			}
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if oldest == nil {
		return "", nil
	}
	return oldest.Id, nil
}

func (p demoPool) create(ctx context.Context) (string, error) {
	out, err := p.pools.CreateUserPool(ctx, &userpool.CreateUserPoolInput{PoolName: PoolName})
	if err != nil {
		return "", err
	}
	return out.UserPool.Id, nil
}

func (p demoPool) remove(ctx context.Context, id string) error {
	_, err := p.pools.DeleteUserPool(ctx, &userpool.DeleteUserPoolInput{UserPoolId: id})
	return err
}

func (p demoPool) exists(ctx context.Context, id string) (bool, error) {
	_, err := p.pools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: id})
	return found(err)
}

// demoClient is one of the demo's public app clients (no secret: they run
// in a browser) in the demo pool, found by name.
type demoClient struct {
	pools  *userpool.Service
	poolID string
	name   string
	config userpool.ClientConfig
}

func (c demoClient) find(ctx context.Context) (string, error) {
	in := &userpool.ListUserPoolClientsInput{UserPoolId: c.poolID, MaxResults: 60}
	for {
		out, err := c.pools.ListUserPoolClients(ctx, in)
		if err != nil {
			return "", err
		}
		for _, d := range out.UserPoolClients {
			if d.ClientName == c.name {
				return d.ClientId, nil
			}
		}
		if out.NextToken == "" {
			return "", nil
		}
		in.NextToken = out.NextToken
	}
}

func (c demoClient) create(ctx context.Context) (string, error) {
	out, err := c.pools.CreateUserPoolClient(ctx, &userpool.CreateUserPoolClientInput{
		UserPoolId:   c.poolID,
		ClientName:   c.name,
		ClientConfig: c.config,
	})
	if err != nil {
		return "", err
	}
	return out.UserPoolClient.ClientId, nil
}

func (c demoClient) remove(ctx context.Context, id string) error {
	_, err := c.pools.DeleteUserPoolClient(ctx, &userpool.ClientRef{UserPoolId: c.poolID, ClientId: id})
	return err
}

func (c demoClient) exists(ctx context.Context, id string) (bool, error) {
	_, err := c.pools.DescribeUserPoolClient(ctx, &userpool.ClientRef{UserPoolId: c.poolID, ClientId: id})
	return found(err)
}

// found turns a Describe call's error into whether the thing exists.
func found(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case isCode(err, awserr.ResourceNotFound):
		return false, nil
	}
	return false, err
}

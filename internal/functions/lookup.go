package functions

import (
	"context"
	"errors"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
)

// Invocations find their function in a short-lived cache rather than the
// store: a change made on this replica clears it at once, another
// replica's is seen within functionCacheTTL.
const (
	functionCacheTTL     = time.Second
	functionCacheEntries = 10000
)

// invocable is a function as its invocations need it: the configuration
// and its resource policy, compiled (nil: none).
type invocable struct {
	fn     store.Function
	policy *iam.Policy
}

// resolve finds the function a caller names in the store; only $LATEST exists.
func (r *Runtime) resolve(ctx context.Context, function string) (store.Function, reference, error) {
	ref, err := r.reference(function)
	if err != nil {
		return store.Function{}, ref, err
	}
	fn, err := r.store.GetFunction(ctx, ref.name)
	return fn, ref, r.found(ref, err)
}

// lookup is resolve for invocations, through the cache; a function found
// missing is cached too, so a flood naming none stays off the store.
func (r *Runtime) lookup(ctx context.Context, function string) (*invocable, reference, error) {
	ref, err := r.reference(function)
	if err != nil {
		return nil, ref, err
	}
	now := time.Now()
	if c, ok := r.functions.Get(ref.name, now); ok {
		if c == nil {
			return nil, ref, functionNotFound(r.qualified(ref))
		}
		return c, ref, r.found(ref, nil)
	}
	ticket := r.functions.Ticket()
	fn, err := r.store.GetFunction(ctx, ref.name)
	var c *invocable
	switch {
	case err == nil:
		c = &invocable{fn: fn}
		if fn.Policy != "" {
			stmts, err := statements(fn.Policy)
			if err != nil {
				return nil, ref, err
			}
			if c.policy, err = iam.ParsePolicy(policyDocument(stmts)); err != nil {
				return nil, ref, awserr.Internal(err)
			}
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, ref, awserr.Internal(err)
	}
	r.functions.PutUnlessRemoved(ticket, ref.name, c, now.Add(functionCacheTTL), now)
	if c == nil {
		return nil, ref, functionNotFound(r.qualified(ref))
	}
	return c, ref, r.found(ref, nil)
}

// forget drops the cached function after a change here.
func (r *Runtime) forget(name string) { r.functions.Remove(name) }

// reference reads the name a caller gives, refusing what Lambda's pattern does.
func (r *Runtime) reference(function string) (reference, error) {
	ref, ok := r.parseReference(function)
	if !ok {
		return ref, validation(function, "functionName",
			`Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`)
	}
	return ref, nil
}

// found is the answer to a store's lookup of ref: a qualifier other than
// $LATEST names no function.
func (r *Runtime) found(ref reference, err error) error {
	if errors.Is(err, store.ErrNotFound) || err == nil && ref.qualifier != "" && ref.qualifier != latest {
		return functionNotFound(r.qualified(ref))
	}
	if err != nil {
		return awserr.Internal(err)
	}
	return nil
}

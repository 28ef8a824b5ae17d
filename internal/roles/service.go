// Package roles is moat's IAM roles: who may assume a role (its trust
// policy) and what the role may do (its inline permission policies), with
// IAM's validation rules and error codes. The IAM query API (internal/iamapi)
// and the config file drive it; identity pools and the gateway's SigV4
// authorizer read compiled roles through Lookup and Policies.
package roles

import (
	"errors"
	"fmt"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Service runs the role operations. It is safe for concurrent use.
type Service struct {
	store   store.IAM
	account string
	now     func() time.Time
	cache   *compiledCache
}

// Options configure a Service; the zero value is usable.
type Options struct {
	Account string // 12-digit account ID in role ARNs; DefaultAccount when empty
	// CacheTTL is how long Lookup and Policies trust a role they read, which
	// is how long another replica's change may go unseen here; 0 or more
	// than 5s means 5s. Changes made through this Service show at once.
	CacheTTL time.Duration
	Now      func() time.Time // nil means time.Now
}

// New returns a Service over st.
func New(st store.IAM, opts Options) (*Service, error) {
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	if !isAccountID(opts.Account) {
		return nil, fmt.Errorf("roles: account ID %q is not 12 digits", opts.Account)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: st, account: opts.Account, now: opts.Now, cache: newCompiledCache(opts.CacheTTL, opts.Now)}, nil
}

// Account is the account ID in this Service's role ARNs.
func (s *Service) Account() string { return s.account }

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// storeError turns a store failure about the named role into IAM's answer.
func storeError(err error, name string) error {
	if _, ok := awserr.As(err); ok {
		return err
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return noSuchRole(name)
	case errors.Is(err, store.ErrAlreadyExists):
		return roleExists(name)
	}
	return awserr.Internal(err)
}

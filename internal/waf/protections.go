package waf

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// protections is, for every protected resource, the compiled web ACL in
// front of it: one snapshot, read without locks on every request and
// replaced whole by a refresh. A refresh reads the associations and the
// web ACLs and sets they use, and recompiles an ACL only when its lock
// token or one of its sets' has changed.
type protections struct {
	current atomic.Pointer[snapshot]
	mu      sync.Mutex // one refresh at a time
}

type snapshot struct {
	byResource map[string]*ACL
	byACL      map[string]compiledACL // by web ACL Id
	userPools  int                    // how many of byResource are user pools
}

// compiledACL is a compiled web ACL and the lock tokens it was built from.
type compiledACL struct {
	version string
	acl     *ACL
}

// Protection is the compiled web ACL protecting the resource, nil when
// none does (or before the first refresh).
func (s *Service) Protection(resourceARN string) *ACL {
	snap := s.protections.current.Load()
	if snap == nil {
		return nil
	}
	return snap.byResource[resourceARN]
}

// ProtectsUserPools says whether any user pool has a web ACL, so the
// identity listener can skip finding a call's pool when none does.
func (s *Service) ProtectsUserPools() bool {
	snap := s.protections.current.Load()
	return snap != nil && snap.userPools > 0
}

// Refresh rereads what protects what. The service refreshes after its own
// writes; Run refreshes periodically for other replicas' writes.
func (s *Service) Refresh(ctx context.Context) error {
	p := &s.protections
	p.mu.Lock()
	defer p.mu.Unlock()
	prev := p.current.Load()
	if prev == nil {
		prev = &snapshot{}
	}
	assocs, err := s.store.ListWebACLAssociations(ctx)
	if err != nil {
		return err
	}
	next := &snapshot{byResource: map[string]*ACL{}, byACL: map[string]compiledACL{}}
	var failed []error
	for _, a := range assocs {
		c, ok := next.byACL[a.WebACLID]
		if !ok {
			if c, err = s.compileStored(ctx, a.WebACLID, prev.byACL[a.WebACLID]); err != nil {
				failed = append(failed, err)
				if old, had := prev.byACL[a.WebACLID]; had {
					c = old // keep protecting with what compiled last
				} else {
					continue
				}
			}
			next.byACL[a.WebACLID] = c
		}
		next.byResource[a.ResourceARN] = c.acl
		if userPoolARN.MatchString(a.ResourceARN) {
			next.userPools++
		}
	}
	p.current.Store(next)
	return errors.Join(failed...)
}

// compileStored compiles the stored web ACL id, reusing prev when nothing
// it was built from has changed.
func (s *Service) compileStored(ctx context.Context, id string, prev compiledACL) (compiledACL, error) {
	v, err := s.store.GetWebACL(ctx, id)
	if err != nil {
		return compiledACL{}, err
	}
	acl, err := webACLOf(v)
	if err != nil {
		return compiledACL{}, err
	}
	sets, err := s.loadSets(ctx, acl)
	if err != nil {
		return compiledACL{}, err
	}
	version := v.LockToken + setsVersion(sets)
	if prev.acl != nil && prev.version == version {
		return prev, nil
	}
	compiled, err := s.engine.Compile(acl, sets)
	if err != nil {
		return compiledACL{}, err
	}
	return compiledACL{version: version, acl: compiled}, nil
}

// setsVersion names the sets' contents: their ARNs and lock tokens.
func setsVersion(sets Sets) string {
	var parts []string
	for arn, s := range sets.IPSets {
		parts = append(parts, arn+"="+s.lockToken)
	}
	for arn, s := range sets.RegexPatternSets {
		parts = append(parts, arn+"="+s.lockToken)
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

// Run refreshes every interval until ctx ends, logging failures (the last
// good snapshot stays in force).
func (s *Service) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
			log.Warn("waf: refreshing web ACLs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshAfterWrite brings this replica's snapshot up to date after one of
// the service's own writes, so its effect is immediate here.
func (s *Service) refreshAfterWrite(ctx context.Context, err error) error {
	if err == nil {
		_ = s.Refresh(ctx) // a failure leaves the periodic refresh to catch up
	}
	return err
}

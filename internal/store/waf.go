package store

import (
	"context"
	"errors"
)

// ErrStaleLockToken is an update or delete of a WAF entity made with a
// LockToken that is no longer the entity's: someone changed it since the
// caller read it (WAFv2's WAFOptimisticLockException).
var ErrStaleLockToken = errors.New("store: stale lock token")

// WAFEntity is what every WAF entity has. LockToken changes on every
// write; the store chooses it. Names are unique within a kind.
type WAFEntity struct {
	ID          string
	Name        string
	ARN         string
	Description string
	Attributes  []byte // JSON (tags), owned by package waf
	LockToken   string
	CreatedAt   int64
	UpdatedAt   int64
}

// Entity gives generic code the fields every WAF entity shares.
func (e *WAFEntity) Entity() *WAFEntity { return e }

// IPSet is a WAF IP set.
type IPSet struct {
	WAFEntity
	IPAddressVersion string   // IPV4 IPV6
	Addresses        []string // CIDRs, as given; non-nil
}

// RegexPatternSet is a WAF regex pattern set.
type RegexPatternSet struct {
	WAFEntity
	RegularExpressions []string // non-nil
}

// WebACL is a WAF web ACL. Document is the ACL as WAFv2's JSON shapes it
// (owned by package waf); References are the ARNs of the IP sets and
// regex pattern sets its rules name, which must exist and cannot be
// deleted while referenced.
type WebACL struct {
	WAFEntity
	Document   []byte
	References []string // non-nil
}

// WebACLAssociation puts a web ACL in front of a resource (an API Gateway
// stage, a user pool); a resource has at most one.
type WebACLAssociation struct {
	ResourceARN string
	WebACLID    string
}

// WAF is what the web application firewall keeps: IP sets, regex pattern
// sets, web ACLs and which resources they protect. Writes to an entity
// carry the LockToken the caller last read; a different one fails with
// ErrStaleLockToken and changes nothing, and a successful write gives the
// entity a new token (returned). Create fails with ErrAlreadyExists on a
// taken name or ID.
type WAF interface {
	CreateIPSet(ctx context.Context, s IPSet) (lockToken string, err error)
	GetIPSet(ctx context.Context, id string) (IPSet, error)
	ListIPSets(ctx context.Context) ([]IPSet, error) // ordered by Name
	// Updaters may change anything but ID, Name, ARN, LockToken and CreatedAt.
	UpdateIPSet(ctx context.Context, id, lockToken string, update func(IPSet) (IPSet, error)) (nextLockToken string, err error)
	// DeleteIPSet fails with ErrConflict while a web ACL references the set.
	DeleteIPSet(ctx context.Context, id, lockToken string) error

	CreateRegexPatternSet(ctx context.Context, s RegexPatternSet) (lockToken string, err error)
	GetRegexPatternSet(ctx context.Context, id string) (RegexPatternSet, error)
	ListRegexPatternSets(ctx context.Context) ([]RegexPatternSet, error) // ordered by Name
	UpdateRegexPatternSet(ctx context.Context, id, lockToken string, update func(RegexPatternSet) (RegexPatternSet, error)) (nextLockToken string, err error)
	DeleteRegexPatternSet(ctx context.Context, id, lockToken string) error // ErrConflict while referenced

	// CreateWebACL and UpdateWebACL fail with ErrNotFound, changing
	// nothing, when a set in References does not exist.
	CreateWebACL(ctx context.Context, a WebACL) (lockToken string, err error)
	GetWebACL(ctx context.Context, id string) (WebACL, error)
	ListWebACLs(ctx context.Context) ([]WebACL, error) // ordered by Name
	UpdateWebACL(ctx context.Context, id, lockToken string, update func(WebACL) (WebACL, error)) (nextLockToken string, err error)
	// DeleteWebACL fails with ErrConflict while the ACL protects a resource.
	DeleteWebACL(ctx context.Context, id, lockToken string) error

	// AssociateWebACL puts the web ACL in front of the resource, replacing
	// any it had; ErrNotFound when there is no such web ACL.
	AssociateWebACL(ctx context.Context, resourceARN, webACLID string) error
	DisassociateWebACL(ctx context.Context, resourceARN string) error // not an error when none
	// GetWebACLForResource is the web ACL protecting the resource (ErrNotFound: none).
	GetWebACLForResource(ctx context.Context, resourceARN string) (WebACL, error)
	ListResourcesForWebACL(ctx context.Context, webACLID string) ([]string, error) // ordered
	ListWebACLAssociations(ctx context.Context) ([]WebACLAssociation, error)       // ordered by ResourceARN
}

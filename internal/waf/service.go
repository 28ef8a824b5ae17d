package waf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/store"
)

// Service is the WAF's management and its lookups: IP sets, regex pattern
// sets and web ACLs kept in the store, checked as WAFv2 checks them, and
// which resource each web ACL protects.
type Service struct {
	store   store.WAF
	engine  *Engine
	region  string
	account string
	now     func() time.Time
	// knownResource says whether a resource ARN names something moat
	// serves (a gateway stage, a user pool).
	knownResource func(ctx context.Context, r Resource) bool
	protections   protections
}

// ServiceConfig wires a Service.
type ServiceConfig struct {
	Store   store.WAF
	Engine  *Engine
	Region  string
	Account string
	// KnownResource says whether moat serves the resource an association
	// names; nil accepts any well-formed ARN.
	KnownResource func(ctx context.Context, r Resource) bool
	Now           func() time.Time
}

// NewService returns the WAF service.
func NewService(cfg ServiceConfig) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KnownResource == nil {
		cfg.KnownResource = func(context.Context, Resource) bool { return true }
	}
	return &Service{store: cfg.Store, engine: cfg.Engine, region: cfg.Region, account: cfg.Account, now: cfg.Now, knownResource: cfg.KnownResource}
}

// Engine is the engine the service compiles with.
func (s *Service) Engine() *Engine { return s.engine }

// Summary is WAFv2's IPSetSummary, RegexPatternSetSummary and WebACLSummary.
type Summary struct {
	Name        string `json:"Name"`
	ID          string `json:"Id"`
	Description string `json:"Description,omitempty"`
	LockToken   string `json:"LockToken"`
	ARN         string `json:"ARN"`
}

// Tag is a WAFv2 resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Kinds of WAF entity, as they appear in ARNs.
const (
	kindIPSet      = "ipset"
	kindRegexSet   = "regexpatternset"
	kindWebACL     = "webacl"
	descriptionMax = 256
)

var descriptionPattern = regexp.MustCompile(`^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`)

func (s *Service) arn(kind, name, id string) string {
	return fmt.Sprintf("arn:aws:wafv2:%s:%s:regional/%s/%s/%s", s.region, s.account, kind, name, id)
}

// LabelNamespace is the namespace a web ACL's rule labels live in.
func (s *Service) LabelNamespace(aclName string) string {
	return fmt.Sprintf("awswaf:%s:webacl:%s:", s.account, aclName)
}

// ErrNotFound is a WAF entity, association or resource that does not exist
// (WAFNonexistentItemException).
var ErrNotFound = errors.New("AWS WAF couldn’t perform the operation because your resource doesn’t exist.")

// ErrDuplicate is a name already taken (WAFDuplicateItemException).
var ErrDuplicate = errors.New("AWS WAF couldn’t perform the operation because some resource in your request is a duplicate of an existing one.")

// ErrStale is a stale LockToken (WAFOptimisticLockException).
var ErrStale = errors.New("AWS WAF couldn’t save your changes because you tried to update or delete a resource that has changed since you last retrieved it. Get the resource again, make any changes you need to make to the new copy, and retry your operation.")

// ErrInUse is an entity another refers to (WAFAssociatedItemException).
var ErrInUse = errors.New("AWS WAF couldn’t perform the operation because your resource is being used by another resource or it’s associated with another resource.")

// storeError turns the store's errors into the service's.
func storeError(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, store.ErrAlreadyExists):
		return ErrDuplicate
	case errors.Is(err, store.ErrStaleLockToken):
		return ErrStale
	case errors.Is(err, store.ErrConflict):
		return ErrInUse
	}
	return err
}

func checkName(field, name string) error {
	if !entityNamePattern.MatchString(name) {
		return invalid(field, name, "Name must be 1 to 128 letters, digits, _ and -")
	}
	return nil
}

func checkDescription(field, d string) error {
	if d != "" && (len(d) > descriptionMax || !descriptionPattern.MatchString(d)) {
		return invalid(field, d, "Description must be 1 to 256 of letters, digits, spaces and + = : # @ / - , .")
	}
	return nil
}

// checkID checks an Id is a WAFv2 entity ID (a lowercase UUID) before the
// store is asked.
func checkID(field, id string) error {
	if _, err := uuid.Parse(id); err != nil || strings.ToLower(id) != id || len(id) != 36 {
		return invalid(field, id, "Id must be the Id WAF returned, a UUID such as 3f9e1a62-…")
	}
	return nil
}

func tagsJSON(tags []Tag) ([]byte, error) {
	if len(tags) > 50 {
		return nil, invalid("TAGS", fmt.Sprint(len(tags)), "at most 50 tags")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, invalid("TAGS", t.Key, "tag keys are 1 to 128 characters and values at most 256")
		}
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return json.Marshal(struct{ Tags []Tag }{tags})
}

// entityIDFromARN reads the Id of a WAF entity of kind from its ARN.
func entityIDFromARN(arn, kind string) (string, bool) {
	parts := strings.Split(arn, "/")
	if len(parts) != 4 || !strings.HasPrefix(arn, "arn:aws:wafv2:") || !strings.HasSuffix(parts[0], ":regional") || parts[1] != kind {
		return "", false
	}
	return parts[3], true
}

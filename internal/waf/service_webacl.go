package waf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
)

// CreateWebACL checks acl as WAFv2 does (every rule compiles, every set it
// names exists) and stores it; Id, ARN and LabelNamespace are assigned.
func (s *Service) CreateWebACL(ctx context.Context, acl WebACL, tags []Tag) (Summary, error) {
	return s.createWebACL(ctx, "", acl, tags)
}

func (s *Service) createWebACL(ctx context.Context, id string, acl WebACL, tags []Tag) (Summary, error) {
	v := store.WebACL{WAFEntity: store.WAFEntity{ID: id, Name: acl.Name, Description: acl.Description}}
	return createEntity(ctx, s, s.webACLs(), v, tags, func(e *store.WebACL) error { return s.prepareWebACL(ctx, e, acl) })
}

// prepareWebACL compiles acl as the entity e will hold it and writes its
// document and references into e.
func (s *Service) prepareWebACL(ctx context.Context, e *store.WebACL, acl WebACL) error {
	acl.ID, acl.ARN, acl.Name = e.ID, e.ARN, e.Name
	acl.LabelNamespace = s.LabelNamespace(acl.Name)
	acl.ManagedByFirewallManager = false
	sets, err := s.loadSets(ctx, acl)
	if err != nil {
		return err
	}
	if _, err := s.engine.Compile(acl, sets); err != nil {
		return err
	}
	acl.Capacity = capacity(acl)
	doc, err := json.Marshal(acl)
	if err != nil {
		return err
	}
	e.Document, e.Description = doc, acl.Description
	e.References = nonNil(referencedARNs(acl))
	return nil
}

func referencedARNs(acl WebACL) []string {
	ip, re := References(acl)
	return append(ip, re...)
}

// loadSets reads the sets acl references; a missing one is a
// NonexistentError naming it.
func (s *Service) loadSets(ctx context.Context, acl WebACL) (Sets, error) {
	ipARNs, reARNs := References(acl)
	sets := Sets{IPSets: map[string]IPSet{}, RegexPatternSets: map[string]RegexPatternSet{}}
	for _, arn := range ipARNs {
		v, err := getEntityByARN(ctx, s.ipSets(), arn)
		if errors.Is(err, ErrNotFound) {
			return Sets{}, &NonexistentError{ARN: arn}
		} else if err != nil {
			return Sets{}, err
		}
		sets.IPSets[arn] = ipSetOf(v)
	}
	for _, arn := range reARNs {
		v, err := getEntityByARN(ctx, s.regexSets(), arn)
		if errors.Is(err, ErrNotFound) {
			return Sets{}, &NonexistentError{ARN: arn}
		} else if err != nil {
			return Sets{}, err
		}
		sets.RegexPatternSets[arn] = regexSetOf(v)
	}
	return sets, nil
}

// GetWebACL returns the web ACL and its LockToken.
func (s *Service) GetWebACL(ctx context.Context, name, id string) (WebACL, string, error) {
	v, err := getEntity(ctx, s.webACLs(), name, id)
	if err != nil {
		return WebACL{}, "", err
	}
	acl, err := webACLOf(v)
	return acl, v.LockToken, err
}

// GetWebACLByARN is GetWebACL for a caller holding the ARN.
func (s *Service) GetWebACLByARN(ctx context.Context, arn string) (WebACL, string, error) {
	v, err := getEntityByARN(ctx, s.webACLs(), arn)
	if err != nil {
		return WebACL{}, "", err
	}
	acl, err := webACLOf(v)
	return acl, v.LockToken, err
}

func webACLOf(v store.WebACL) (WebACL, error) {
	var acl WebACL
	if err := json.Unmarshal(v.Document, &acl); err != nil {
		return WebACL{}, fmt.Errorf("waf: web ACL %s: stored document: %w", v.ID, err)
	}
	return acl, nil
}

// UpdateWebACL replaces the web ACL's rules and settings (everything but
// its name and identity), checked as CreateWebACL checks them.
func (s *Service) UpdateWebACL(ctx context.Context, name, id, lockToken string, acl WebACL) (string, error) {
	next, err := updateEntity(ctx, s, s.webACLs(), name, id, lockToken, func(v *store.WebACL) error {
		return s.prepareWebACL(ctx, v, acl)
	})
	return next, s.refreshAfterWrite(ctx, err)
}

// DeleteWebACL removes a web ACL that protects nothing.
func (s *Service) DeleteWebACL(ctx context.Context, name, id, lockToken string) error {
	return deleteEntity(ctx, s.webACLs(), name, id, lockToken)
}

// ListWebACLs pages through the web ACLs by name.
func (s *Service) ListWebACLs(ctx context.Context, marker string, limit int) ([]Summary, string, error) {
	return listEntities(ctx, s.webACLs(), marker, limit)
}

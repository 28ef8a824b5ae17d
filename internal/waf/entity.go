package waf

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/store"
)

// stored is a store entity (IP set, regex pattern set, web ACL) seen
// through the fields they share.
type stored[T any] interface {
	*T
	Entity() *store.WAFEntity
}

// kind is how the store keeps one kind of WAF entity; the service's
// create, get, update, delete and list are written once over it.
type kind[T any, P stored[T]] struct {
	name   string // as in ARNs: ipset, regexpatternset, webacl
	field  string // WAFInvalidParameterException's Field: IP_SET, …
	create func(context.Context, T) (string, error)
	get    func(context.Context, string) (T, error)
	list   func(context.Context) ([]T, error)
	update func(context.Context, string, string, func(T) (T, error)) (string, error)
	remove func(context.Context, string, string) error
}

func (s *Service) ipSets() kind[store.IPSet, *store.IPSet] {
	return kind[store.IPSet, *store.IPSet]{kindIPSet, "IP_SET", s.store.CreateIPSet, s.store.GetIPSet, s.store.ListIPSets, s.store.UpdateIPSet, s.store.DeleteIPSet}
}

func (s *Service) regexSets() kind[store.RegexPatternSet, *store.RegexPatternSet] {
	return kind[store.RegexPatternSet, *store.RegexPatternSet]{kindRegexSet, "REGEX_PATTERN_SET", s.store.CreateRegexPatternSet, s.store.GetRegexPatternSet, s.store.ListRegexPatternSets, s.store.UpdateRegexPatternSet, s.store.DeleteRegexPatternSet}
}

func (s *Service) webACLs() kind[store.WebACL, *store.WebACL] {
	return kind[store.WebACL, *store.WebACL]{kindWebACL, "WEB_ACL", s.store.CreateWebACL, s.store.GetWebACL, s.store.ListWebACLs, s.store.UpdateWebACL, s.store.DeleteWebACL}
}

// createEntity names v (a fresh Id unless it has one, its ARN, times,
// tags), lets prepare
// (if any) finish what depends on them, and stores it.
func createEntity[T any, P stored[T]](ctx context.Context, s *Service, k kind[T, P], v T, tags []Tag, prepare func(P) error) (Summary, error) {
	e := P(&v).Entity()
	if err := checkName(k.field, e.Name); err != nil {
		return Summary{}, err
	}
	if err := checkDescription(k.field, e.Description); err != nil {
		return Summary{}, err
	}
	attrs, err := tagsJSON(tags)
	if err != nil {
		return Summary{}, err
	}
	now := s.now().Unix()
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	e.ARN = s.arn(k.name, e.Name, e.ID)
	e.Attributes, e.CreatedAt, e.UpdatedAt = attrs, now, now
	if prepare != nil {
		if err := prepare(&v); err != nil {
			return Summary{}, err
		}
	}
	token, err := k.create(ctx, v)
	if err != nil {
		return Summary{}, storeError(err)
	}
	e.LockToken = token
	return summaryOf(e), nil
}

func summaryOf(e *store.WAFEntity) Summary {
	return Summary{Name: e.Name, ID: e.ID, Description: e.Description, LockToken: e.LockToken, ARN: e.ARN}
}

// getEntity finds an entity by Name and Id, both of which must match.
func getEntity[T any, P stored[T]](ctx context.Context, k kind[T, P], name, id string) (T, error) {
	var zero T
	if err := checkID(k.field, id); err != nil {
		return zero, err
	}
	v, err := k.get(ctx, id)
	if err != nil {
		return zero, storeError(err)
	}
	if P(&v).Entity().Name != name {
		return zero, ErrNotFound
	}
	return v, nil
}

// getEntityByARN finds an entity by its ARN.
func getEntityByARN[T any, P stored[T]](ctx context.Context, k kind[T, P], arn string) (T, error) {
	var zero T
	id, ok := entityIDFromARN(arn, k.name)
	if !ok {
		return zero, invalid("RESOURCE_ARN", arn, "not the ARN of a regional %s: arn:aws:wafv2:<region>:<account>:regional/%s/<name>/<id>", k.name, k.name)
	}
	v, err := k.get(ctx, id)
	if err != nil {
		return zero, storeError(err)
	}
	if P(&v).Entity().ARN != arn {
		return zero, ErrNotFound
	}
	return v, nil
}

// updateEntity applies change to the entity named by name and id when
// lockToken is current, and returns the next token.
func updateEntity[T any, P stored[T]](ctx context.Context, s *Service, k kind[T, P], name, id, lockToken string, change func(P) error) (string, error) {
	if err := checkID(k.field, id); err != nil {
		return "", err
	}
	next, err := k.update(ctx, id, lockToken, func(v T) (T, error) {
		e := P(&v).Entity()
		if e.Name != name {
			return v, ErrNotFound
		}
		if err := change(&v); err != nil {
			return v, err
		}
		if err := checkDescription(k.field, e.Description); err != nil {
			return v, err
		}
		e.UpdatedAt = s.now().Unix()
		return v, nil
	})
	return next, storeError(err)
}

func deleteEntity[T any, P stored[T]](ctx context.Context, k kind[T, P], name, id, lockToken string) error {
	if _, err := getEntity(ctx, k, name, id); err != nil {
		return err
	}
	return storeError(k.remove(ctx, id, lockToken))
}

// maxPage is the most a WAFv2 list returns at once.
const maxPage = 100

// listEntities pages through a kind by name: marker is where the previous
// page stopped (the next name), "" for the first page.
func listEntities[T any, P stored[T]](ctx context.Context, k kind[T, P], marker string, limit int) ([]Summary, string, error) {
	if limit == 0 {
		limit = maxPage
	}
	if limit < 1 || limit > maxPage {
		return nil, "", invalid(k.field, "Limit", "Limit must be 1 to %d", maxPage)
	}
	all, err := k.list(ctx)
	if err != nil {
		return nil, "", err
	}
	start := 0
	if marker != "" {
		start, _ = slices.BinarySearchFunc(all, marker, func(v T, m string) int { return strings.Compare(P(&v).Entity().Name, m) })
	}
	out := []Summary{}
	for i := start; i < len(all); i++ {
		if len(out) == limit {
			return out, P(&all[i]).Entity().Name, nil
		}
		out = append(out, summaryOf(P(&all[i]).Entity()))
	}
	return out, "", nil
}

// entityTags reads the tags an entity was created with, found by ARN.
func entityTags[T any, P stored[T]](ctx context.Context, k kind[T, P], arn string) ([]Tag, error) {
	v, err := getEntityByARN(ctx, k, arn)
	if err != nil {
		return nil, err
	}
	a := struct{ Tags []Tag }{Tags: []Tag{}}
	_ = json.Unmarshal(P(&v).Entity().Attributes, &a) // written by tagsJSON
	return a.Tags, nil
}

// TagsOf is ListTagsForResource: the tags an IP set, regex pattern set or
// web ACL was created with, found by its ARN.
func (s *Service) TagsOf(ctx context.Context, arn string) ([]Tag, error) {
	switch parts := strings.Split(arn, "/"); {
	case len(parts) != 4:
		return nil, invalid("RESOURCE_ARN", arn, "not the ARN of a WAF IP set, regex pattern set or web ACL")
	case parts[1] == kindIPSet:
		return entityTags(ctx, s.ipSets(), arn)
	case parts[1] == kindRegexSet:
		return entityTags(ctx, s.regexSets(), arn)
	}
	return entityTags(ctx, s.webACLs(), arn)
}

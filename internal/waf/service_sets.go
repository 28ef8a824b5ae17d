package waf

import (
	"context"
	"slices"

	"github.com/moat-dev/moat/internal/store"
)

// CreateIPSet stores a new IP set.
func (s *Service) CreateIPSet(ctx context.Context, set IPSet, tags []Tag) (Summary, error) {
	return s.createIPSet(ctx, "", set, tags)
}

// createIPSet is CreateIPSet under the Id id ("": a fresh one).
func (s *Service) createIPSet(ctx context.Context, id string, set IPSet, tags []Tag) (Summary, error) {
	if err := ValidateIPSet(set.IPAddressVersion, set.Addresses); err != nil {
		return Summary{}, err
	}
	return createEntity(ctx, s, s.ipSets(), store.IPSet{
		WAFEntity:        store.WAFEntity{ID: id, Name: set.Name, Description: set.Description},
		IPAddressVersion: set.IPAddressVersion,
		Addresses:        nonNil(set.Addresses),
	}, tags, nil)
}

// GetIPSet returns the set and its LockToken.
func (s *Service) GetIPSet(ctx context.Context, name, id string) (IPSet, string, error) {
	v, err := getEntity(ctx, s.ipSets(), name, id)
	return ipSetOf(v), v.LockToken, err
}

// UpdateIPSet replaces the set's addresses and description.
func (s *Service) UpdateIPSet(ctx context.Context, name, id, lockToken, description string, addresses []string) (string, error) {
	next, err := updateEntity(ctx, s, s.ipSets(), name, id, lockToken, func(v *store.IPSet) error {
		if err := ValidateIPSet(v.IPAddressVersion, addresses); err != nil {
			return err
		}
		v.Description, v.Addresses = description, nonNil(addresses)
		return nil
	})
	return next, s.refreshAfterWrite(ctx, err)
}

// DeleteIPSet removes a set no web ACL references.
func (s *Service) DeleteIPSet(ctx context.Context, name, id, lockToken string) error {
	return deleteEntity(ctx, s.ipSets(), name, id, lockToken)
}

// ListIPSets pages through the IP sets by name.
func (s *Service) ListIPSets(ctx context.Context, marker string, limit int) ([]Summary, string, error) {
	return listEntities(ctx, s.ipSets(), marker, limit)
}

func ipSetOf(v store.IPSet) IPSet {
	return IPSet{Name: v.Name, ID: v.ID, ARN: v.ARN, Description: v.Description, IPAddressVersion: v.IPAddressVersion, Addresses: nonNil(v.Addresses), lockToken: v.LockToken}
}

// CreateRegexPatternSet stores a new regex pattern set.
func (s *Service) CreateRegexPatternSet(ctx context.Context, set RegexPatternSet, tags []Tag) (Summary, error) {
	return s.createRegexPatternSet(ctx, "", set, tags)
}

func (s *Service) createRegexPatternSet(ctx context.Context, id string, set RegexPatternSet, tags []Tag) (Summary, error) {
	if err := ValidateRegexPatternSet(set.RegularExpressionList); err != nil {
		return Summary{}, err
	}
	return createEntity(ctx, s, s.regexSets(), store.RegexPatternSet{
		WAFEntity:          store.WAFEntity{ID: id, Name: set.Name, Description: set.Description},
		RegularExpressions: regexStrings(set.RegularExpressionList),
	}, tags, nil)
}

// GetRegexPatternSet returns the set and its LockToken.
func (s *Service) GetRegexPatternSet(ctx context.Context, name, id string) (RegexPatternSet, string, error) {
	v, err := getEntity(ctx, s.regexSets(), name, id)
	return regexSetOf(v), v.LockToken, err
}

// UpdateRegexPatternSet replaces the set's expressions and description.
func (s *Service) UpdateRegexPatternSet(ctx context.Context, name, id, lockToken, description string, list []Regex) (string, error) {
	if err := ValidateRegexPatternSet(list); err != nil {
		return "", err
	}
	next, err := updateEntity(ctx, s, s.regexSets(), name, id, lockToken, func(v *store.RegexPatternSet) error {
		v.Description, v.RegularExpressions = description, regexStrings(list)
		return nil
	})
	return next, s.refreshAfterWrite(ctx, err)
}

// DeleteRegexPatternSet removes a set no web ACL references.
func (s *Service) DeleteRegexPatternSet(ctx context.Context, name, id, lockToken string) error {
	return deleteEntity(ctx, s.regexSets(), name, id, lockToken)
}

// ListRegexPatternSets pages through the regex pattern sets by name.
func (s *Service) ListRegexPatternSets(ctx context.Context, marker string, limit int) ([]Summary, string, error) {
	return listEntities(ctx, s.regexSets(), marker, limit)
}

func regexSetOf(v store.RegexPatternSet) RegexPatternSet {
	out := RegexPatternSet{Name: v.Name, ID: v.ID, ARN: v.ARN, Description: v.Description, RegularExpressionList: []Regex{}, lockToken: v.LockToken}
	for _, r := range v.RegularExpressions {
		out.RegularExpressionList = append(out.RegularExpressionList, Regex{RegexString: r})
	}
	return out
}

func regexStrings(list []Regex) []string {
	out := make([]string, 0, len(list))
	for _, r := range list {
		out = append(out, r.RegexString)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

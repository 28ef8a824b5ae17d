package waf

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// AssociateWebACL puts the web ACL in front of the resource.
func (s *Service) AssociateWebACL(ctx context.Context, webACLARN, resourceARN string) error {
	res, err := s.parseResource(resourceARN)
	if err != nil {
		return err
	}
	v, err := getEntityByARN(ctx, s.webACLs(), webACLARN)
	if err != nil {
		return err
	}
	if !s.knownResource(ctx, res) {
		return &NonexistentError{ARN: resourceARN}
	}
	if res.Type == ResourceCognitoUserPool {
		acl, err := webACLOf(v)
		if err != nil {
			return err
		}
		if err := checkForUserPool(acl); err != nil {
			return err
		}
	}
	return s.refreshAfterWrite(ctx, storeError(s.store.AssociateWebACL(ctx, res.ARN, v.ID)))
}

// checkForUserPool applies Cognito's limits on web ACLs: custom blocked
// answers are 4xx, and the account-takeover group is refused.
func checkForUserPool(acl WebACL) error {
	var err error
	check := func(a *RuleAction) {
		if a != nil && a.Block != nil && a.Block.CustomResponse != nil {
			if code := a.Block.CustomResponse.ResponseCode; (code < 400 || code > 499) && err == nil {
				err = invalid("CUSTOM_RESPONSE", fmt.Sprint(code), "a web ACL protecting a user pool may answer blocked requests only with 400 to 499")
			}
		}
	}
	if acl.DefaultAction != nil {
		check(&RuleAction{Block: acl.DefaultAction.Block})
	}
	for _, r := range acl.Rules {
		check(r.Action)
	}
	visitStatements(acl.Rules, func(st *Statement) {
		if g := st.ManagedRuleGroupStatement; g != nil {
			for _, o := range g.RuleActionOverrides {
				check(o.ActionToUse)
			}
		}
	})
	return err
}

// DisassociateWebACL takes the resource's web ACL away, if it has one.
func (s *Service) DisassociateWebACL(ctx context.Context, resourceARN string) error {
	res, err := s.parseResource(resourceARN)
	if err != nil {
		return err
	}
	return s.refreshAfterWrite(ctx, storeError(s.store.DisassociateWebACL(ctx, res.ARN)))
}

// WebACLForResource is the web ACL protecting the resource; ok false when
// none does.
func (s *Service) WebACLForResource(ctx context.Context, resourceARN string) (acl WebACL, ok bool, err error) {
	res, err := s.parseResource(resourceARN)
	if err != nil {
		return WebACL{}, false, err
	}
	v, err := s.store.GetWebACLForResource(ctx, res.ARN)
	if errors.Is(err, store.ErrNotFound) {
		return WebACL{}, false, nil
	} else if err != nil {
		return WebACL{}, false, err
	}
	acl, err = webACLOf(v)
	return acl, err == nil, err
}

// ResourcesForWebACL lists what the web ACL protects, of one type: WAFv2's
// default type (APPLICATION_LOAD_BALANCER) is one moat has none of.
func (s *Service) ResourcesForWebACL(ctx context.Context, webACLARN, resourceType string) ([]string, error) {
	v, err := getEntityByARN(ctx, s.webACLs(), webACLARN)
	if err != nil {
		return nil, err
	}
	arns, err := s.store.ListResourcesForWebACL(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if resourceType == "" {
		resourceType = "APPLICATION_LOAD_BALANCER"
	}
	out := []string{}
	for _, arn := range arns {
		if res, err := s.parseResource(arn); err == nil && string(res.Type) == resourceType {
			out = append(out, arn)
		}
	}
	slices.Sort(out)
	return out, nil
}

// maxSampledItems is GetSampledRequests' limit.
const maxSampledItems = 500

// SampledRequests answers GetSampledRequests for a web ACL's rule (or the
// ACL's own metric name, for requests the default action decided).
func (s *Service) SampledRequests(ctx context.Context, webACLARN, metric string, start, end time.Time, maxItems int) ([]SampledRequest, int64, time.Time, error) {
	if maxItems < 1 || maxItems > maxSampledItems {
		return nil, 0, time.Time{}, invalid("WEB_ACL", fmt.Sprint(maxItems), "MaxItems must be 1 to %d", maxSampledItems)
	}
	if !end.After(start) {
		return nil, 0, time.Time{}, invalid("WEB_ACL", "TimeWindow", "the TimeWindow must end after it starts")
	}
	if _, err := getEntityByARN(ctx, s.webACLs(), webACLARN); err != nil {
		return nil, 0, time.Time{}, err
	}
	items, population, from := s.engine.SampledRequests(webACLARN, metric, start, end, maxItems)
	return items, population, from, nil
}

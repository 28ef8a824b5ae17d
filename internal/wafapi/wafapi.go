// Package wafapi serves AWS WAFv2's API (JSON 1.1, X-Amz-Target
// AWSWAF_20190729.<Op>, SigV4 service wafv2, admin-signed) for the REGIONAL
// scope: IP sets, regex pattern sets, web ACLs, their associations with
// gateway stages and user pools, sampled requests, and the managed rule
// groups moat offers. boto3's wafv2 client works against it with only the
// endpoint changed. It decodes, calls package waf and encodes; the framing
// is internal/awsapi's.
package wafapi

import (
	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/waf"
)

// Names WAFv2's clients use.
const (
	TargetPrefix = "AWSWAF_20190729"
	SigningName  = "wafv2"
)

// Service is the WAFv2 API over svc, to be served through an awsapi.Frame.
func Service(svc *waf.Service) awsapi.Service {
	h := &handler{svc: svc}
	return awsapi.Service{TargetPrefix: TargetPrefix, SigningName: SigningName, Operations: append(h.scopedOperations(), h.resourceOperations()...)}
}

// scopedOperations are the calls whose input names a Scope: any but
// REGIONAL is refused before the call runs.
func (h *handler) scopedOperations() []awsapi.Operation {
	return []awsapi.Operation{
		awsapi.Op("CreateIPSet", true, regionalOnly(h.createIPSet)),
		awsapi.Op("GetIPSet", true, regionalOnly(h.getIPSet)),
		awsapi.Op("UpdateIPSet", true, regionalOnly(h.updateIPSet)),
		awsapi.Op("DeleteIPSet", true, regionalOnly(h.deleteIPSet)),
		awsapi.Op("ListIPSets", true, regionalOnly(h.listIPSets)),
		awsapi.Op("CreateRegexPatternSet", true, regionalOnly(h.createRegexPatternSet)),
		awsapi.Op("GetRegexPatternSet", true, regionalOnly(h.getRegexPatternSet)),
		awsapi.Op("UpdateRegexPatternSet", true, regionalOnly(h.updateRegexPatternSet)),
		awsapi.Op("DeleteRegexPatternSet", true, regionalOnly(h.deleteRegexPatternSet)),
		awsapi.Op("ListRegexPatternSets", true, regionalOnly(h.listRegexPatternSets)),
		awsapi.Op("CreateWebACL", true, regionalOnly(h.createWebACL)),
		awsapi.Op("UpdateWebACL", true, regionalOnly(h.updateWebACL)),
		awsapi.Op("DeleteWebACL", true, regionalOnly(h.deleteWebACL)),
		awsapi.Op("ListWebACLs", true, regionalOnly(h.listWebACLs)),
		awsapi.Op("GetSampledRequests", true, regionalOnly(h.getSampledRequests)),
		awsapi.Op("ListAvailableManagedRuleGroups", true, regionalOnly(h.listAvailableManagedRuleGroups)),
		awsapi.Op("ListAvailableManagedRuleGroupVersions", true, regionalOnly(h.listAvailableManagedRuleGroupVersions)),
		awsapi.Op("DescribeManagedRuleGroup", true, regionalOnly(h.describeManagedRuleGroup)),
	}
}

// resourceOperations name a web ACL or a resource by ARN (GetWebACL by ARN,
// or by Name, Scope and Id, and checks the Scope itself).
func (h *handler) resourceOperations() []awsapi.Operation {
	return []awsapi.Operation{
		awsapi.Op("GetWebACL", true, h.getWebACL),
		awsapi.Op("AssociateWebACL", true, h.associateWebACL),
		awsapi.Op("DisassociateWebACL", true, h.disassociateWebACL),
		awsapi.Op("GetWebACLForResource", true, h.getWebACLForResource),
		awsapi.Op("ListResourcesForWebACL", true, h.listResourcesForWebACL),
		awsapi.Op("ListTagsForResource", true, h.listTagsForResource),
	}
}

type handler struct {
	svc *waf.Service
}

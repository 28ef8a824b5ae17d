package waf

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corazawaf/coraza/v3"
)

// groupRule is a compiled ManagedRuleGroupStatement with the web ACL
// rule's OverrideAction.
type groupRule struct {
	spec      *groupSpec
	crs       coraza.WAF
	scopeDown matcher
	actions   []action // per spec rule: Block unless excluded or overridden
	overrides []string // per spec rule: the action before an override, "" if none
	countAll  bool     // OverrideAction Count
}

// managedVendor is the only vendor whose groups moat emulates.
const managedVendor = "AWS"

// defaultParanoia is CRS's paranoia level when a statement names no version.
const defaultParanoia = 1

// crsVersion is the Core Rule Set moat embeds; a group's Version picks the
// paranoia level: CRS_4.25.0_PL1 … CRS_4.25.0_PL4.
const crsVersion = "CRS_4.25.0"

// ManagedGroupVersions are the versions every managed group offers, the
// default first.
func ManagedGroupVersions() []string {
	out := make([]string, 0, 4)
	for pl := 1; pl <= 4; pl++ {
		out = append(out, fmt.Sprintf("%s_PL%d", crsVersion, pl))
	}
	return out
}

// ManagedGroupNames are the managed rule groups moat offers.
func ManagedGroupNames() []string {
	names := make([]string, 0, len(managedGroupSpecs))
	for n := range managedGroupSpecs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func paranoiaOf(version string) (int, error) {
	if version == "" {
		return defaultParanoia, nil
	}
	for i, v := range ManagedGroupVersions() {
		if v == version {
			return i + 1, nil
		}
	}
	return 0, invalid("MANAGED_RULE_SET_STATEMENT", version, "moat's managed groups have versions %s (the paranoia level of the OWASP Core Rule Set behind them)", strings.Join(ManagedGroupVersions(), ", "))
}

func (c *compiler) managedGroup(s *ManagedRuleGroupStatement, override *OverrideAction) (*groupRule, error) {
	if override == nil || (override.Count == nil) == (override.None == nil) {
		return nil, invalid("OVERRIDE_ACTION", "", "a rule with a rule-group statement needs OverrideAction {None: {}} or {Count: {}}")
	}
	if s.VendorName != managedVendor {
		return nil, &NonexistentError{ARN: s.VendorName + "/" + s.Name}
	}
	spec, ok := managedGroupSpecs[s.Name]
	if !ok {
		if why, known := unavailableGroups[s.Name]; known {
			return nil, &UnavailableError{Reason: fmt.Sprintf("moat cannot offer the managed rule group %s: %s", s.Name, why)}
		}
		return nil, &UnavailableError{Reason: fmt.Sprintf("moat does not offer the managed rule group %s; it offers %s", s.Name, strings.Join(ManagedGroupNames(), ", "))}
	}
	if len(s.ManagedRuleGroupConfigs) > 0 {
		return nil, invalid("MANAGED_RULE_GROUP_CONFIG", s.Name, "ManagedRuleGroupConfigs are for AWS's paid groups; %s takes none", s.Name)
	}
	paranoia, err := paranoiaOf(s.Version)
	if err != nil {
		return nil, err
	}
	g := &groupRule{spec: spec, countAll: override.Count != nil}
	if g.crs, err = c.engine.groups.get(spec, paranoia); err != nil {
		return nil, err
	}
	if s.ScopeDownStatement != nil {
		if g.scopeDown, err = c.statement(s.ScopeDownStatement, 1); err != nil {
			return nil, err
		}
	}
	g.actions = make([]action, len(spec.rules))
	g.overrides = make([]string, len(spec.rules))
	for i := range g.actions {
		g.actions[i] = action{kind: actionBlock}
	}
	for _, ex := range s.ExcludedRules {
		i := spec.index(ex.Name)
		if i < 0 {
			return nil, invalid("EXCLUDED_RULE", ex.Name, "%s has no rule %s; its rules are %s", spec.name, ex.Name, spec.ruleNames())
		}
		g.actions[i], g.overrides[i] = action{kind: actionCount}, "BLOCK"
	}
	if len(s.RuleActionOverrides) > 100 {
		return nil, invalid("MANAGED_RULE_SET_STATEMENT", fmt.Sprint(len(s.RuleActionOverrides)), "at most 100 RuleActionOverrides")
	}
	for _, o := range s.RuleActionOverrides {
		i := spec.index(o.Name)
		if i < 0 {
			return nil, invalid("RULE_ACTION", o.Name, "%s has no rule %s; its rules are %s", spec.name, o.Name, spec.ruleNames())
		}
		a, err := compileRuleAction(o.ActionToUse, c.acl.CustomResponseBodies)
		if err != nil {
			return nil, err
		}
		g.actions[i], g.overrides[i] = a, "BLOCK"
	}
	return g, nil
}

func (g *groupSpec) ruleNames() string {
	names := make([]string, len(g.rules))
	for i, r := range g.rules {
		names[i] = r.name
	}
	return strings.Join(names, ", ")
}

// inboundThreshold is CRS's default inbound anomaly threshold: one
// critical finding.
const inboundThreshold = 5

// evaluate runs the group: the rules that match add their labels in the
// group's order, and the first whose action terminates decides. Under
// OverrideAction Count nothing terminates.
func (g *groupRule) evaluate(ev *evaluation) outcome {
	if g.scopeDown != nil && !g.scopeDown.matches(ev) {
		return outcome{}
	}
	matched := g.matchedRules(ev)
	var o outcome
	for i, r := range g.spec.rules {
		if !matched[i] {
			continue
		}
		ev.addLabel(g.spec.namespace + r.label)
		a, overridden := g.actions[i], g.overrides[i]
		if g.countAll && a.kind != actionCount {
			a, overridden = action{kind: actionCount}, a.kind.String()
		}
		if !o.matched {
			o = outcome{matched: true, action: a, groupRule: r.name, overridden: overridden}
		}
		if a.kind != actionCount {
			return outcome{matched: true, action: a, groupRule: r.name, overridden: overridden}
		}
	}
	return o
}

// matchedRules is, per rule of the group, whether it matched: natives by
// their checks, the rest by the CRS score credited to them.
func (g *groupRule) matchedRules(ev *evaluation) []bool {
	matched := make([]bool, len(g.spec.rules))
	for i, r := range g.spec.rules {
		if r.native != nil && r.native(ev.req) {
			matched[i] = true
		}
	}
	scores := make([]int, len(g.spec.rules))
	for _, f := range runCRS(g.crs, ev.req, ev.queryArgs()) {
		if i := g.spec.index(g.spec.credit(f.id, f.loc)); i >= 0 && g.spec.rules[i].native == nil {
			scores[i] += f.score
			matched[i] = matched[i] || scores[i] >= inboundThreshold
		}
	}
	return matched
}

// ManagedGroupInfo describes a managed group as DescribeManagedRuleGroup
// does: its rules in order, each with the label it adds.
type ManagedGroupInfo struct {
	Name           string
	Description    string
	Capacity       int64
	LabelNamespace string
	Rules          []ManagedRuleInfo
}

type ManagedRuleInfo struct {
	Name  string
	Label string // fully qualified
}

// DescribeManagedGroup describes a group moat offers; the errors are
// Compile's for a statement naming it.
func DescribeManagedGroup(vendor, name, version string) (ManagedGroupInfo, error) {
	if vendor != managedVendor {
		return ManagedGroupInfo{}, &NonexistentError{ARN: vendor + "/" + name}
	}
	spec, ok := managedGroupSpecs[name]
	if !ok {
		if why, known := unavailableGroups[name]; known {
			return ManagedGroupInfo{}, &UnavailableError{Reason: fmt.Sprintf("moat cannot offer the managed rule group %s: %s", name, why)}
		}
		return ManagedGroupInfo{}, &NonexistentError{ARN: vendor + "/" + name}
	}
	if _, err := paranoiaOf(version); err != nil {
		return ManagedGroupInfo{}, err
	}
	info := ManagedGroupInfo{Name: spec.name, Description: spec.description, Capacity: managedCapacity[spec.name], LabelNamespace: spec.namespace}
	for _, r := range spec.rules {
		info.Rules = append(info.Rules, ManagedRuleInfo{Name: r.name, Label: spec.namespace + r.label})
	}
	return info, nil
}

package wafapi

import (
	"context"

	"github.com/moat-dev/moat/internal/waf"
)

type managedGroupSummary struct {
	VendorName          string `json:"VendorName"`
	Name                string `json:"Name"`
	VersioningSupported bool   `json:"VersioningSupported"`
	Description         string `json:"Description"`
}

type listAvailableManagedRuleGroupsOut struct {
	ManagedRuleGroups []managedGroupSummary `json:"ManagedRuleGroups"`
}

func (h *handler) listAvailableManagedRuleGroups(_ context.Context, in *listIn) (*listAvailableManagedRuleGroupsOut, error) {
	out := &listAvailableManagedRuleGroupsOut{ManagedRuleGroups: []managedGroupSummary{}}
	for _, name := range waf.ManagedGroupNames() {
		info, err := waf.DescribeManagedGroup("AWS", name, "")
		if err != nil {
			return nil, err
		}
		out.ManagedRuleGroups = append(out.ManagedRuleGroups, managedGroupSummary{"AWS", name, true, info.Description})
	}
	return out, nil
}

type managedGroupIn struct {
	VendorName string `json:"VendorName"`
	Name       string `json:"Name"`
	scoped
	VersionName string `json:"VersionName"`
}

type managedVersion struct {
	Name string `json:"Name"`
}

type listVersionsOut struct {
	Versions              []managedVersion `json:"Versions"`
	CurrentDefaultVersion string           `json:"CurrentDefaultVersion"`
}

// listAvailableManagedRuleGroupVersions lists the versions, which are the
// paranoia levels of the Core Rule Set behind every group.
func (h *handler) listAvailableManagedRuleGroupVersions(_ context.Context, in *managedGroupIn) (*listVersionsOut, error) {
	if _, err := waf.DescribeManagedGroup(in.VendorName, in.Name, ""); err != nil {
		return nil, wafError(err)
	}
	versions := waf.ManagedGroupVersions()
	out := &listVersionsOut{CurrentDefaultVersion: versions[0]}
	for _, v := range versions {
		out.Versions = append(out.Versions, managedVersion{v})
	}
	return out, nil
}

type ruleSummary struct {
	Name   string         `json:"Name"`
	Action waf.RuleAction `json:"Action"`
}

type describeManagedRuleGroupOut struct {
	VersionName     string        `json:"VersionName"`
	Capacity        int64         `json:"Capacity"`
	Rules           []ruleSummary `json:"Rules"`
	LabelNamespace  string        `json:"LabelNamespace"`
	AvailableLabels []label       `json:"AvailableLabels"`
}

func (h *handler) describeManagedRuleGroup(_ context.Context, in *managedGroupIn) (*describeManagedRuleGroupOut, error) {
	info, err := waf.DescribeManagedGroup(in.VendorName, in.Name, in.VersionName)
	if err != nil {
		return nil, wafError(err)
	}
	version := in.VersionName
	if version == "" {
		version = waf.ManagedGroupVersions()[0]
	}
	out := &describeManagedRuleGroupOut{VersionName: version, Capacity: info.Capacity, LabelNamespace: info.LabelNamespace}
	for _, r := range info.Rules {
		out.Rules = append(out.Rules, ruleSummary{r.Name, waf.RuleAction{Block: &waf.BlockAction{}}})
		out.AvailableLabels = append(out.AvailableLabels, label{r.Label})
	}
	return out, nil
}

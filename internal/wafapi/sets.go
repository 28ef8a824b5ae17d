package wafapi

import (
	"context"

	"github.com/moat-dev/moat/internal/waf"
)

type ipSetRef struct {
	Name string `json:"Name"`
	scoped
	ID string `json:"Id"`
}

type createIPSetIn struct {
	Name string `json:"Name"`
	scoped
	Description      string    `json:"Description"`
	IPAddressVersion string    `json:"IPAddressVersion"`
	Addresses        []string  `json:"Addresses"`
	Tags             []waf.Tag `json:"Tags"`
}

type summaryOut struct {
	Summary waf.Summary `json:"Summary"`
}

func (h *handler) createIPSet(ctx context.Context, in *createIPSetIn) (*summaryOut, error) {
	sum, err := h.svc.CreateIPSet(ctx, waf.IPSet{Name: in.Name, Description: in.Description, IPAddressVersion: in.IPAddressVersion, Addresses: in.Addresses}, in.Tags)
	return &summaryOut{sum}, wafError(err)
}

type getIPSetOut struct {
	IPSet     waf.IPSet `json:"IPSet"`
	LockToken string    `json:"LockToken"`
}

func (h *handler) getIPSet(ctx context.Context, in *ipSetRef) (*getIPSetOut, error) {
	set, token, err := h.svc.GetIPSet(ctx, in.Name, in.ID)
	if err != nil {
		return nil, wafError(err)
	}
	return &getIPSetOut{set, token}, nil
}

type updateIPSetIn struct {
	ipSetRef
	Description string   `json:"Description"`
	Addresses   []string `json:"Addresses"`
	LockToken   string   `json:"LockToken"`
}

type nextLockTokenOut struct {
	NextLockToken string `json:"NextLockToken"`
}

func (h *handler) updateIPSet(ctx context.Context, in *updateIPSetIn) (*nextLockTokenOut, error) {
	next, err := h.svc.UpdateIPSet(ctx, in.Name, in.ID, in.LockToken, in.Description, in.Addresses)
	return &nextLockTokenOut{next}, wafError(err)
}

type deleteIn struct {
	ipSetRef
	LockToken string `json:"LockToken"`
}

func (h *handler) deleteIPSet(ctx context.Context, in *deleteIn) (*struct{}, error) {
	return nil, wafError(h.svc.DeleteIPSet(ctx, in.Name, in.ID, in.LockToken))
}

type listIn struct {
	scoped
	NextMarker string `json:"NextMarker"`
	Limit      int    `json:"Limit"`
}

type listIPSetsOut struct {
	NextMarker string        `json:"NextMarker,omitempty"`
	IPSets     []waf.Summary `json:"IPSets"`
}

func (h *handler) listIPSets(ctx context.Context, in *listIn) (*listIPSetsOut, error) {
	page, next, err := h.svc.ListIPSets(ctx, in.NextMarker, in.Limit)
	return &listIPSetsOut{next, page}, wafError(err)
}

type createRegexPatternSetIn struct {
	Name string `json:"Name"`
	scoped
	Description           string      `json:"Description"`
	RegularExpressionList []waf.Regex `json:"RegularExpressionList"`
	Tags                  []waf.Tag   `json:"Tags"`
}

func (h *handler) createRegexPatternSet(ctx context.Context, in *createRegexPatternSetIn) (*summaryOut, error) {
	sum, err := h.svc.CreateRegexPatternSet(ctx, waf.RegexPatternSet{Name: in.Name, Description: in.Description, RegularExpressionList: in.RegularExpressionList}, in.Tags)
	return &summaryOut{sum}, wafError(err)
}

type getRegexPatternSetOut struct {
	RegexPatternSet waf.RegexPatternSet `json:"RegexPatternSet"`
	LockToken       string              `json:"LockToken"`
}

func (h *handler) getRegexPatternSet(ctx context.Context, in *ipSetRef) (*getRegexPatternSetOut, error) {
	set, token, err := h.svc.GetRegexPatternSet(ctx, in.Name, in.ID)
	if err != nil {
		return nil, wafError(err)
	}
	return &getRegexPatternSetOut{set, token}, nil
}

type updateRegexPatternSetIn struct {
	ipSetRef
	Description           string      `json:"Description"`
	RegularExpressionList []waf.Regex `json:"RegularExpressionList"`
	LockToken             string      `json:"LockToken"`
}

func (h *handler) updateRegexPatternSet(ctx context.Context, in *updateRegexPatternSetIn) (*nextLockTokenOut, error) {
	next, err := h.svc.UpdateRegexPatternSet(ctx, in.Name, in.ID, in.LockToken, in.Description, in.RegularExpressionList)
	return &nextLockTokenOut{next}, wafError(err)
}

func (h *handler) deleteRegexPatternSet(ctx context.Context, in *deleteIn) (*struct{}, error) {
	return nil, wafError(h.svc.DeleteRegexPatternSet(ctx, in.Name, in.ID, in.LockToken))
}

type listRegexPatternSetsOut struct {
	NextMarker       string        `json:"NextMarker,omitempty"`
	RegexPatternSets []waf.Summary `json:"RegexPatternSets"`
}

func (h *handler) listRegexPatternSets(ctx context.Context, in *listIn) (*listRegexPatternSetsOut, error) {
	page, next, err := h.svc.ListRegexPatternSets(ctx, in.NextMarker, in.Limit)
	return &listRegexPatternSetsOut{next, page}, wafError(err)
}

type listTagsIn struct {
	ResourceARN string `json:"ResourceARN"`
}

type tagInfo struct {
	ResourceARN string    `json:"ResourceARN"`
	TagList     []waf.Tag `json:"TagList"`
}

type listTagsOut struct {
	TagInfoForResource tagInfo `json:"TagInfoForResource"`
}

func (h *handler) listTagsForResource(ctx context.Context, in *listTagsIn) (*listTagsOut, error) {
	tags, err := h.svc.TagsOf(ctx, in.ResourceARN)
	return &listTagsOut{tagInfo{in.ResourceARN, tags}}, wafError(err)
}

package wafapi

import (
	"context"
	"encoding/json"

	"github.com/moat-dev/moat/internal/waf"
)

// webACLIn is CreateWebACL's and UpdateWebACL's input: the web ACL's own
// members, with what the calls add, and members moat refuses by name.
type webACLIn struct {
	waf.WebACL
	scoped
	Tags      []waf.Tag `json:"Tags"`
	LockToken string    `json:"LockToken"`

	DataProtectionConfig         *json.RawMessage `json:"DataProtectionConfig"`
	CaptchaConfig                *json.RawMessage `json:"CaptchaConfig"`
	ChallengeConfig              *json.RawMessage `json:"ChallengeConfig"`
	TokenDomains                 *json.RawMessage `json:"TokenDomains"`
	OnSourceDDoSProtectionConfig *json.RawMessage `json:"OnSourceDDoSProtectionConfig"`
	ApplicationConfig            *json.RawMessage `json:"ApplicationConfig"`
}

func (in *webACLIn) check() error {
	for _, m := range []struct {
		name string
		set  bool
		why  string
	}{
		{"DataProtectionConfig", in.DataProtectionConfig != nil, "moat's WAF log and samples already keep credentials out"},
		{"CaptchaConfig", in.CaptchaConfig != nil, "CAPTCHA needs AWS's token service"},
		{"ChallengeConfig", in.ChallengeConfig != nil, "challenges need AWS's token service"},
		{"TokenDomains", in.TokenDomains != nil, "token domains are for CAPTCHA and challenges"},
		{"OnSourceDDoSProtectionConfig", in.OnSourceDDoSProtectionConfig != nil, "it is an AWS Shield feature"},
		{"ApplicationConfig", in.ApplicationConfig != nil, "it describes AWS's managed bot protection"},
	} {
		if m.set {
			return refuse(m.name, m.why)
		}
	}
	return nil
}

func (h *handler) createWebACL(ctx context.Context, in *webACLIn) (*summaryOut, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	sum, err := h.svc.CreateWebACL(ctx, in.WebACL, in.Tags)
	return &summaryOut{sum}, wafError(err)
}

type getWebACLIn struct {
	Name  string `json:"Name"`
	Scope string `json:"Scope"`
	ID    string `json:"Id"`
	ARN   string `json:"ARN"`
}

type getWebACLOut struct {
	WebACL    waf.WebACL `json:"WebACL"`
	LockToken string     `json:"LockToken"`
}

// getWebACL finds the web ACL by ARN, or by Name, Scope and Id.
func (h *handler) getWebACL(ctx context.Context, in *getWebACLIn) (*getWebACLOut, error) {
	var (
		acl   waf.WebACL
		token string
		err   error
	)
	if in.ARN != "" {
		acl, token, err = h.svc.GetWebACLByARN(ctx, in.ARN)
	} else {
		if err := checkScope(in.Scope); err != nil {
			return nil, err
		}
		acl, token, err = h.svc.GetWebACL(ctx, in.Name, in.ID)
	}
	if err != nil {
		return nil, wafError(err)
	}
	return &getWebACLOut{acl, token}, nil
}

func (h *handler) updateWebACL(ctx context.Context, in *webACLIn) (*nextLockTokenOut, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	next, err := h.svc.UpdateWebACL(ctx, in.Name, in.ID, in.LockToken, in.WebACL)
	return &nextLockTokenOut{next}, wafError(err)
}

func (h *handler) deleteWebACL(ctx context.Context, in *deleteIn) (*struct{}, error) {
	return nil, wafError(h.svc.DeleteWebACL(ctx, in.Name, in.ID, in.LockToken))
}

type listWebACLsOut struct {
	NextMarker string        `json:"NextMarker,omitempty"`
	WebACLs    []waf.Summary `json:"WebACLs"`
}

func (h *handler) listWebACLs(ctx context.Context, in *listIn) (*listWebACLsOut, error) {
	page, next, err := h.svc.ListWebACLs(ctx, in.NextMarker, in.Limit)
	return &listWebACLsOut{next, page}, wafError(err)
}

type associateIn struct {
	WebACLArn   string `json:"WebACLArn"`
	ResourceArn string `json:"ResourceArn"`
}

func (h *handler) associateWebACL(ctx context.Context, in *associateIn) (*struct{}, error) {
	return nil, wafError(h.svc.AssociateWebACL(ctx, in.WebACLArn, in.ResourceArn))
}

type resourceIn struct {
	ResourceArn string `json:"ResourceArn"`
}

func (h *handler) disassociateWebACL(ctx context.Context, in *resourceIn) (*struct{}, error) {
	return nil, wafError(h.svc.DisassociateWebACL(ctx, in.ResourceArn))
}

type webACLForResourceOut struct {
	WebACL *waf.WebACL `json:"WebACL,omitempty"`
}

func (h *handler) getWebACLForResource(ctx context.Context, in *resourceIn) (*webACLForResourceOut, error) {
	acl, ok, err := h.svc.WebACLForResource(ctx, in.ResourceArn)
	if err != nil || !ok {
		return &webACLForResourceOut{}, wafError(err)
	}
	return &webACLForResourceOut{&acl}, nil
}

type listResourcesIn struct {
	WebACLArn    string `json:"WebACLArn"`
	ResourceType string `json:"ResourceType"`
}

type listResourcesOut struct {
	ResourceArns []string `json:"ResourceArns"`
}

func (h *handler) listResourcesForWebACL(ctx context.Context, in *listResourcesIn) (*listResourcesOut, error) {
	arns, err := h.svc.ResourcesForWebACL(ctx, in.WebACLArn, in.ResourceType)
	return &listResourcesOut{arns}, wafError(err)
}

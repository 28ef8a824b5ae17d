package userpool

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// UI customization: the hosted pages' CSS and logo, for the whole pool
// (ClientId ALL) or one app client, as Cognito's classic hosted UI takes
// them: CSS for its -customizable classes only, a PNG or JPEG logo.

const allClients = "ALL"

type SetUICustomizationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId,omitempty"`
	CSS        string `json:"CSS,omitempty"`
	ImageFile  []byte `json:"ImageFile,omitempty"`
}

type GetUICustomizationInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId,omitempty"`
}

type UICustomizationType struct {
	UserPoolId       string  `json:"UserPoolId"`
	ClientId         string  `json:"ClientId"`
	ImageUrl         string  `json:"ImageUrl,omitempty"`
	CSS              string  `json:"CSS,omitempty"`
	CSSVersion       string  `json:"CSSVersion,omitempty"`
	LastModifiedDate float64 `json:"LastModifiedDate,omitempty"`
	CreationDate     float64 `json:"CreationDate,omitempty"`
}

type UICustomizationOutput struct {
	UICustomization UICustomizationType `json:"UICustomization"`
}

// customizableClasses are the classes the hosted pages carry for CSS to
// style (Cognito's list), with the pseudo-classes it allows on some.
var customizableClasses = []string{
	".background-customizable", ".banner-customizable", ".errorMessage-customizable", ".idpButton-customizable",
	".idpButton-customizable:hover", ".inputField-customizable", ".inputField-customizable:focus", ".label-customizable",
	".legalText-customizable", ".logo-customizable", ".submitButton-customizable", ".submitButton-customizable:hover",
	".textDescription-customizable", ".redirect-customizable", ".idpDescription-customizable",
	".passwordCheck-notValid-customizable", ".passwordCheck-valid-customizable",
}

const (
	maxCSSBytes   = 131072
	maxImageBytes = 100 << 10
)

// checkCSS refuses CSS that styles anything but the customizable classes,
// or that could load or run anything.
func checkCSS(css string) error {
	if len(css) > maxCSSBytes {
		return invalidParameter("css: the CSS is longer than %d characters.", maxCSSBytes)
	}
	lower := strings.ToLower(css)
	for _, banned := range []string{"url(", "@import", "expression(", "\\", "<", "javascript:"} {
		if strings.Contains(lower, banned) {
			return invalidParameter("css: %q is not allowed in hosted UI CSS.", banned)
		}
	}
	rules := strings.Split(css, "}")
	if strings.TrimSpace(rules[len(rules)-1]) != "" {
		return invalidParameter("css: a rule is not closed.")
	}
	for _, rule := range rules[:len(rules)-1] {
		selector, _, ok := strings.Cut(rule, "{")
		if !ok {
			return invalidParameter("css: the CSS is not a list of rules.")
		}
		for _, sel := range strings.Split(selector, ",") {
			if !slices.Contains(customizableClasses, strings.TrimSpace(sel)) {
				return invalidParameter("css: %q is not one of the hosted UI's customizable classes (%s).", strings.TrimSpace(sel), strings.Join(customizableClasses, ", "))
			}
		}
	}
	return nil
}

// imageType is a logo's media type: PNG or JPEG, told by its first bytes.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	}
	return ""
}

func (s *Service) SetUICustomization(ctx context.Context, in *SetUICustomizationInput) (*UICustomizationOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	clientID := in.ClientId
	if clientID == "" {
		clientID = allClients
	}
	if clientID != allClients {
		if _, err := s.loadClient(ctx, in.UserPoolId, clientID); err != nil {
			return nil, err
		}
	}
	if err := checkCSS(in.CSS); err != nil {
		return nil, err
	}
	if len(in.ImageFile) > 0 && (len(in.ImageFile) > maxImageBytes || imageType(in.ImageFile) == "") {
		return nil, invalidParameter("The image must be a PNG or JPEG file of at most 100 KB.")
	}
	now := s.clock()
	c := store.UICustomization{PoolID: in.UserPoolId, ClientID: clientID, CSS: in.CSS, Image: in.ImageFile, CreatedAt: now, UpdatedAt: now}
	if err := s.store.PutUICustomization(ctx, c); err != nil {
		return nil, storeErr(err, poolNotFound(in.UserPoolId))
	}
	return s.GetUICustomization(ctx, &GetUICustomizationInput{UserPoolId: in.UserPoolId, ClientId: clientID})
}

// GetUICustomization is the client's customization, else the pool's.
func (s *Service) GetUICustomization(ctx context.Context, in *GetUICustomizationInput) (*UICustomizationOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	c, found, err := s.uiCustomization(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	out := UICustomizationType{UserPoolId: in.UserPoolId, ClientId: in.ClientId}
	if out.ClientId == "" {
		out.ClientId = allClients
	}
	if found {
		out.CSS, out.CSSVersion = c.CSS, strconv.FormatInt(c.UpdatedAt, 10)
		out.LastModifiedDate, out.CreationDate = float64(c.UpdatedAt), float64(c.CreatedAt)
		if len(c.Image) > 0 {
			out.ImageUrl = s.publicURL + "/hosted/logo?" + url.Values{"pool": {c.PoolID}, "client": {c.ClientID}, "v": {out.CSSVersion}}.Encode()
		}
	}
	return &UICustomizationOutput{UICustomization: out}, nil
}

func (s *Service) uiCustomization(ctx context.Context, poolID, clientID string) (store.UICustomization, bool, error) {
	for _, id := range []string{clientID, allClients} {
		if id == "" {
			continue
		}
		c, err := s.store.GetUICustomization(ctx, poolID, id)
		if err == nil {
			return c, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return c, false, awserr.Internal(err)
		}
	}
	return store.UICustomization{}, false, nil
}

// HostedLook is what the hosted pages show of a customization: the CSS,
// the logo and its media type, and a version for cache-busting URLs.
type HostedLook struct {
	PoolID, ClientID string // whose customization it is (ClientID ALL: the pool's)
	CSS              string
	Image            []byte
	ImageType        string
	Version          string
}

// HostedLookFor is the customization the client's pages wear, or nil.
func (s *Service) HostedLookFor(ctx context.Context, poolID, clientID string) (*HostedLook, error) {
	c, found, err := s.uiCustomization(ctx, poolID, clientID)
	if err != nil || !found {
		return nil, err
	}
	return &HostedLook{PoolID: c.PoolID, ClientID: c.ClientID, CSS: c.CSS, Image: c.Image, ImageType: imageType(c.Image),
		Version: strconv.FormatInt(c.UpdatedAt, 10)}, nil
}

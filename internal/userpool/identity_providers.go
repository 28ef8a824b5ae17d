package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Identity providers: outside directories (an enterprise OIDC provider, a
// SAML IdP) whose users sign in to the pool through the hosted pages.
// moat federates OIDC and SAML; the social providers (Google, Facebook,
// Login with Amazon, Sign in with Apple) are refused rather than stored
// unused.

// The provider types moat federates.
const (
	ProviderOIDC = "OIDC"
	ProviderSAML = "SAML"
)

type IdentityProviderType struct {
	UserPoolId       string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType"`
	ProviderDetails  map[string]string `json:"ProviderDetails"`
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	LastModifiedDate float64           `json:"LastModifiedDate"`
	CreationDate     float64           `json:"CreationDate"`
}

type IdentityProviderInput struct {
	UserPoolId       string            `json:"UserPoolId"`
	ProviderName     string            `json:"ProviderName"`
	ProviderType     string            `json:"ProviderType,omitempty"`
	ProviderDetails  map[string]string `json:"ProviderDetails,omitempty"`
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
}

type IdentityProviderOutput struct {
	IdentityProvider IdentityProviderType `json:"IdentityProvider"`
}

type IdentityProviderRef struct {
	UserPoolId   string `json:"UserPoolId"`
	ProviderName string `json:"ProviderName"`
}

var (
	providerNamePattern = regexp.MustCompile(`^[^_\s][\p{L}\p{M}\p{S}\p{N}\p{P}\s]{0,30}[^_\s]$|^[^_\s]$`)
	idpIdentifier       = regexp.MustCompile(`^[\w\s+=.@-]{1,40}$`)
	socialProviders     = []string{"Google", "Facebook", "LoginWithAmazon", "SignInWithApple"}
	// providerDetailKeys are the ProviderDetails moat honours, by type.
	providerDetailKeys = map[string][]string{
		ProviderOIDC: {"client_id", "client_secret", "authorize_scopes", "attributes_request_method", "oidc_issuer",
			"authorize_url", "token_url"},
		ProviderSAML: {"MetadataFile", "MetadataURL", "IDPInit", "IDPSignout", "EncryptedResponses"},
	}
	// unhonoured are ProviderDetails Cognito takes that moat does not act
	// on, with what to do instead: refused, never stored and ignored.
	unhonoured = map[string]string{
		"attributes_url":                "moat reads the userInfo endpoint from oidc_issuer's discovery document",
		"jwks_uri":                      "moat reads the keys from oidc_issuer's discovery document",
		"attributes_url_add_attributes": "it is reported by DescribeIdentityProvider, not set",
		"RequestSigningAlgorithm":       "moat sends SAML authentication requests unsigned",
	}
)

func (in *IdentityProviderInput) validate(providerType string) error {
	if !providerNamePattern.MatchString(in.ProviderName) || strings.EqualFold(in.ProviderName, IdentityProviderCognito) {
		return invalidParameter("1 validation error detected: Value '%s' at 'providerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+", in.ProviderName)
	}
	switch {
	case slices.Contains(socialProviders, providerType):
		return invalidParameter("Provider type %s is not supported by this moat version; federate OIDC or SAML providers.", providerType)
	case providerType != ProviderOIDC && providerType != ProviderSAML:
		return invalidParameter("1 validation error detected: Value '%s' at 'providerType' failed to satisfy constraint: Member must satisfy enum value set: [SAML, Google, LoginWithAmazon, Facebook, OIDC, SignInWithApple]", providerType)
	}
	d := in.ProviderDetails
	for k := range d {
		if why, ok := unhonoured[k]; ok {
			return invalidParameter("ProviderDetails %s is not supported by this moat version: %s.", k, why)
		}
		if !slices.Contains(providerDetailKeys[providerType], k) {
			return invalidParameter("Invalid provider details key %s for provider type %s.", k, providerType)
		}
	}
	if providerType == ProviderOIDC {
		for _, k := range []string{"client_id", "authorize_scopes", "oidc_issuer"} {
			if d[k] == "" {
				return invalidParameter("%s is required in ProviderDetails for an OIDC provider.", k)
			}
		}
		if !slices.Contains(strings.Fields(d["authorize_scopes"]), "openid") {
			return invalidParameter("authorize_scopes of an OIDC provider must include openid.")
		}
		switch d["attributes_request_method"] {
		case "", "GET":
		case "POST":
			return invalidParameter("attributes_request_method POST is not supported by this moat version: moat calls the userInfo endpoint with GET.")
		default:
			return invalidParameter("attributes_request_method must be GET or POST.")
		}
	} else {
		if (d["MetadataFile"] == "") == (d["MetadataURL"] == "") {
			return invalidParameter("Exactly one of MetadataFile and MetadataURL is required for a SAML provider.")
		}
		for _, k := range []string{"IDPInit", "IDPSignout", "EncryptedResponses"} {
			if d[k] == "true" {
				return invalidParameter("%s true is not supported by this moat version: moat takes SP-initiated, unencrypted, signed SAML responses.", k)
			}
		}
	}
	if len(in.IdpIdentifiers) > 50 {
		return invalidParameter("1 validation error detected: Value at 'idpIdentifiers' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for _, id := range in.IdpIdentifiers {
		if !idpIdentifier.MatchString(id) {
			return invalidParameter("1 validation error detected: Value '%s' at 'idpIdentifiers' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=.@-]+", id)
		}
	}
	return nil
}

func providerNotFound(name string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Identity provider %s does not exist.", name)
}

// providersAnswering is the pool's providers, by name, that answer to one
// of ids (IdpIdentifiers).
func (s *Service) providersAnswering(ctx context.Context, poolID string, ids []string) ([]store.IdentityProvider, error) {
	all, err := s.store.ListIdentityProviders(ctx, poolID)
	if err != nil {
		return nil, storeErr(err, poolNotFound(poolID))
	}
	return slices.DeleteFunc(all, func(p store.IdentityProvider) bool {
		var theirs []string
		_ = json.Unmarshal(p.Identifiers, &theirs) // absent: none
		return !slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(theirs, id) })
	}), nil
}

// identifiersTaken reports whether another provider of the pool already
// answers to one of ids.
func (s *Service) identifiersTaken(ctx context.Context, poolID, name string, ids []string) (bool, error) {
	found, err := s.providersAnswering(ctx, poolID, ids)
	return slices.ContainsFunc(found, func(p store.IdentityProvider) bool { return p.Name != name }), err
}

func (s *Service) CreateIdentityProvider(ctx context.Context, in *IdentityProviderInput) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := in.validate(in.ProviderType); err != nil {
		return nil, err
	}
	if taken, err := s.identifiersTaken(ctx, in.UserPoolId, in.ProviderName, in.IdpIdentifiers); err != nil || taken {
		if err != nil {
			return nil, err
		}
		return nil, invalidParameter("An IdP identifier is already used by another identity provider of this user pool.")
	}
	now := s.clock()
	p := store.IdentityProvider{PoolID: in.UserPoolId, Name: in.ProviderName, Type: in.ProviderType, CreatedAt: now, UpdatedAt: now}
	setProviderFields(&p, in)
	err := s.store.CreateIdentityProvider(ctx, p)
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, awserr.Newf(awserr.DuplicateProvider, "A provider with the name %s already exists in this user pool.", in.ProviderName)
	}
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.UserPoolId))
	}
	return providerOutput(p)
}

func setProviderFields(p *store.IdentityProvider, in *IdentityProviderInput) {
	details, _ := json.Marshal(in.ProviderDetails) // string maps always encode
	p.Details = string(details)
	p.Mapping, _ = json.Marshal(in.AttributeMapping)
	p.Identifiers, _ = json.Marshal(in.IdpIdentifiers)
}

// UpdateIdentityProvider replaces the details, mapping and identifiers
// given; the type never changes.
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *IdentityProviderInput) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	current, err := s.store.GetIdentityProvider(ctx, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, storeErr(err, providerNotFound(in.ProviderName))
	}
	old, err := decodeProvider(current)
	if err != nil {
		return nil, err
	}
	if in.ProviderDetails == nil {
		in.ProviderDetails = old.ProviderDetails
	}
	if in.AttributeMapping == nil {
		in.AttributeMapping = old.AttributeMapping
	}
	if in.IdpIdentifiers == nil {
		in.IdpIdentifiers = old.IdpIdentifiers
	}
	if err := in.validate(current.Type); err != nil {
		return nil, err
	}
	if taken, err := s.identifiersTaken(ctx, in.UserPoolId, in.ProviderName, in.IdpIdentifiers); err != nil || taken {
		if err != nil {
			return nil, err
		}
		return nil, invalidParameter("An IdP identifier is already used by another identity provider of this user pool.")
	}
	var updated store.IdentityProvider
	err = s.store.UpdateIdentityProvider(ctx, in.UserPoolId, in.ProviderName, func(p store.IdentityProvider) (store.IdentityProvider, error) {
		setProviderFields(&p, in)
		p.UpdatedAt = s.clock()
		updated = p
		return p, nil
	})
	if err != nil {
		return nil, storeErr(err, providerNotFound(in.ProviderName))
	}
	return providerOutput(updated)
}

func (s *Service) DescribeIdentityProvider(ctx context.Context, in *IdentityProviderRef) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	p, err := s.store.GetIdentityProvider(ctx, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, storeErr(err, providerNotFound(in.ProviderName))
	}
	return providerOutput(p)
}

func (s *Service) DeleteIdentityProvider(ctx context.Context, in *IdentityProviderRef) (*Empty, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	return &Empty{}, storeErr(s.store.DeleteIdentityProvider(ctx, in.UserPoolId, in.ProviderName), providerNotFound(in.ProviderName))
}

type ProviderDescription struct {
	ProviderName     string  `json:"ProviderName"`
	ProviderType     string  `json:"ProviderType"`
	LastModifiedDate float64 `json:"LastModifiedDate"`
	CreationDate     float64 `json:"CreationDate"`
}

type ListIdentityProvidersOutput struct {
	Providers []ProviderDescription `json:"Providers"`
	NextToken string                `json:"NextToken,omitempty"`
}

func (s *Service) ListIdentityProviders(ctx context.Context, in *PoolPageInput) (*ListIdentityProvidersOutput, error) {
	page, next, err := poolPage(ctx, s, in.UserPoolId, in.MaxResults, 60, in.NextToken, s.store.ListIdentityProviders,
		func(p store.IdentityProvider) string { return p.Name },
		func(p store.IdentityProvider) (ProviderDescription, error) {
			return ProviderDescription{ProviderName: p.Name, ProviderType: p.Type,
				LastModifiedDate: float64(p.UpdatedAt), CreationDate: float64(p.CreatedAt)}, nil
		})
	if err != nil {
		return nil, err
	}
	return &ListIdentityProvidersOutput{Providers: page, NextToken: next}, nil
}

type GetIdentityProviderByIdentifierInput struct {
	UserPoolId    string `json:"UserPoolId"`
	IdpIdentifier string `json:"IdpIdentifier"`
}

func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *GetIdentityProviderByIdentifierInput) (*IdentityProviderOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	found, err := s.providersAnswering(ctx, in.UserPoolId, []string{in.IdpIdentifier})
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		return providerOutput(found[0])
	}
	return nil, awserr.Newf(awserr.ResourceNotFound, "Identity provider with identifier %s does not exist.", in.IdpIdentifier)
}

func decodeProvider(p store.IdentityProvider) (IdentityProviderType, error) {
	out := IdentityProviderType{UserPoolId: p.PoolID, ProviderName: p.Name, ProviderType: p.Type,
		LastModifiedDate: float64(p.UpdatedAt), CreationDate: float64(p.CreatedAt)}
	if err := json.Unmarshal([]byte(p.Details), &out.ProviderDetails); err != nil {
		return out, awserr.Internal(err)
	}
	_ = json.Unmarshal(p.Mapping, &out.AttributeMapping) // absent: none
	_ = json.Unmarshal(p.Identifiers, &out.IdpIdentifiers)
	return out, nil
}

func providerOutput(p store.IdentityProvider) (*IdentityProviderOutput, error) {
	out, err := decodeProvider(p)
	if err != nil {
		return nil, err
	}
	return &IdentityProviderOutput{IdentityProvider: out}, nil
}

// FederationProvider is an identity provider as the hosted pages use it.
func (s *Service) FederationProvider(ctx context.Context, poolID, name string) (*IdentityProviderType, error) {
	p, err := s.store.GetIdentityProvider(ctx, poolID, name)
	if err != nil {
		return nil, storeErr(err, providerNotFound(name))
	}
	out, err := decodeProvider(p)
	return &out, err
}

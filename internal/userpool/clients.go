package userpool

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

type CreateUserPoolClientInput struct {
	UserPoolId     string `json:"UserPoolId"`
	ClientName     string `json:"ClientName"`
	GenerateSecret bool   `json:"GenerateSecret"`
	ClientConfig
}

type UserPoolClientOutput struct {
	UserPoolClient UserPoolClientType `json:"UserPoolClient"`
}

var clientNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)

func (s *Service) CreateUserPoolClient(ctx context.Context, in *CreateUserPoolClientInput) (*UserPoolClientOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if !clientNamePattern.MatchString(in.ClientName) {
		return nil, invalidParameter("1 validation error detected: Value at 'clientName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
	}
	cfg, err := normalizeClientConfig(p, in.ClientConfig)
	if err != nil {
		return nil, err
	}
	if err := s.checkOAuthSettings(ctx, p, cfg, in.GenerateSecret); err != nil {
		return nil, err
	}
	c, err := s.createClient(ctx, p, newClientID(), in.ClientName, in.GenerateSecret, cfg)
	if err != nil {
		return nil, err
	}
	return &UserPoolClientOutput{UserPoolClient: clientDescription(c)}, nil
}

// createClient stores a new client of a normalized configuration, with a
// fresh secret when withSecret; an id in use is store.ErrAlreadyExists (wrapped).
func (s *Service) createClient(ctx context.Context, p *pool, id, name string, withSecret bool, cfg ClientConfig) (*client, error) {
	settings, err := json.Marshal(cfg)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	now := s.clock()
	c := store.Client{PoolID: p.ID, ID: id, Name: name, Settings: settings, CreatedAt: now, UpdatedAt: now}
	if withSecret {
		c.Secret = newClientSecret()
	}
	if err := s.store.CreateClient(ctx, c); err != nil {
		return nil, storeErr(err, poolNotFound(p.ID))
	}
	return &client{Client: c, Config: cfg}, nil
}

var validAuthFlows = []string{
	"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
	"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
	"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
}

// legacyAuthFlows maps the pre-ALLOW_ names to the flows they enable.
var legacyAuthFlows = map[string]string{
	"ADMIN_NO_SRP_AUTH":     "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	"USER_PASSWORD_AUTH":    "ALLOW_USER_PASSWORD_AUTH",
	"CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}

func isLegacyAuthFlow(f string) bool { _, ok := legacyAuthFlows[f]; return ok }

// defaultAuthFlows are what a client created without ExplicitAuthFlows allows.
var defaultAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

// normalizeClientConfig validates a client configuration and fills in
// Cognito's defaults (token lifetimes, auth flows, existence-error policy).
func normalizeClientConfig(p *pool, cfg ClientConfig) (ClientConfig, error) {
	if err := refuseUnbuiltClient(cfg); err != nil {
		return cfg, err
	}
	if cfg.TokenValidityUnits == nil {
		cfg.TokenValidityUnits = &TokenValidityUnits{}
	}
	u := cfg.TokenValidityUnits
	for _, unit := range []*string{&u.AccessToken, &u.IdToken, &u.RefreshToken} {
		if *unit != "" && unitDuration[*unit] == 0 {
			return cfg, invalidParameter("1 validation error detected: Value '%s' at 'tokenValidityUnits' failed to satisfy constraint: Member must satisfy enum value set: [seconds, minutes, hours, days]", *unit)
		}
	}
	if cfg.AccessTokenValidity == 0 {
		cfg.AccessTokenValidity, u.AccessToken = 60, "minutes"
	}
	if cfg.IdTokenValidity == 0 {
		cfg.IdTokenValidity, u.IdToken = 60, "minutes"
	}
	if cfg.RefreshTokenValidity == 0 {
		cfg.RefreshTokenValidity, u.RefreshToken = 30, "days"
	}
	c := client{Config: cfg}
	access, id, refresh := c.lifetimes()
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Access", access}, {"Id", id}} {
		if d.v < 5*time.Minute || d.v > 24*time.Hour {
			return cfg, invalidParameter("%s token validity must be between 5 minutes and 1 day.", d.name)
		}
	}
	if refresh < time.Hour || refresh > 10*365*24*time.Hour || refresh <= max(access, id) {
		return cfg, invalidParameter("Refresh token validity must be between 60 minutes and 10 years, and longer than the access and ID token validity.")
	}
	if len(cfg.ExplicitAuthFlows) == 0 {
		cfg.ExplicitAuthFlows = slices.Clone(defaultAuthFlows)
	}
	// Kept as given (legacy values too, as AWS returns them); allowsFlow reads them.
	flows := make([]string, 0, len(cfg.ExplicitAuthFlows))
	for _, f := range cfg.ExplicitAuthFlows {
		if !slices.Contains(validAuthFlows, f) {
			return cfg, invalidParameter("1 validation error detected: Value '[%s]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: %v]", f, validAuthFlows)
		}
		if !slices.Contains(flows, f) {
			flows = append(flows, f)
		}
	}
	legacy, modern := slices.ContainsFunc(flows, isLegacyAuthFlow), slices.ContainsFunc(flows, func(f string) bool { return !isLegacyAuthFlow(f) })
	if legacy && modern {
		return cfg, invalidParameter("ExplicitAuthFlows cannot mix the legacy values ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY and USER_PASSWORD_AUTH with values that begin with ALLOW_.")
	}
	cfg.ExplicitAuthFlows = flows
	switch cfg.PreventUserExistenceErrors {
	case "":
		cfg.PreventUserExistenceErrors = "LEGACY"
	case "LEGACY", "ENABLED":
	default:
		return cfg, invalidParameter("1 validation error detected: Value '%s' at 'preventUserExistenceErrors' failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]", cfg.PreventUserExistenceErrors)
	}
	if cfg.EnableTokenRevocation == nil {
		cfg.EnableTokenRevocation = boolPtr(true)
	}
	if cfg.AuthSessionValidity == 0 {
		cfg.AuthSessionValidity = 3
	}
	if cfg.AuthSessionValidity < 3 || cfg.AuthSessionValidity > 15 {
		return cfg, invalidParameter("1 validation error detected: Value '%d' at 'authSessionValidity' failed to satisfy constraint: Member must have value between 3 and 15", cfg.AuthSessionValidity)
	}
	if r := cfg.RefreshTokenRotation; r != nil {
		if r.Feature != "ENABLED" && r.Feature != "DISABLED" {
			return cfg, invalidParameter("1 validation error detected: Value '%s' at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", r.Feature)
		}
		if g := r.RetryGracePeriodSeconds; g != nil && (*g < 0 || *g > 60) {
			return cfg, invalidParameter("1 validation error detected: Value '%d' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value between 0 and 60", *g)
		}
	}
	if w := cfg.MoatWalletSignIn; w != nil {
		if err := w.validate(); err != nil {
			return cfg, err
		}
	}
	for _, a := range append(slices.Clone(cfg.ReadAttributes), cfg.WriteAttributes...) {
		if _, ok := p.schemaAttribute(a); !ok {
			return cfg, invalidParameter("Invalid read or write attributes specified: %s", a)
		}
	}
	return cfg, nil
}

func clientDescription(c *client) UserPoolClientType {
	return UserPoolClientType{
		ClientConfig: c.Config, UserPoolId: c.PoolID, ClientName: c.Name, ClientId: c.ID,
		ClientSecret: c.Secret, CreationDate: float64(c.CreatedAt), LastModifiedDate: float64(c.UpdatedAt),
	}
}

type ClientRef struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

func (s *Service) DescribeUserPoolClient(ctx context.Context, in *ClientRef) (*UserPoolClientOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return &UserPoolClientOutput{UserPoolClient: clientDescription(c)}, nil
}

type UpdateUserPoolClientInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
	ClientName string `json:"ClientName,omitempty"`
	ClientConfig
}

// UpdateUserPoolClient replaces the client's settings; as in Cognito, a
// setting left out returns to its default. The secret never changes.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *UpdateUserPoolClientInput) (*UserPoolClientOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.ClientName != "" && !clientNamePattern.MatchString(in.ClientName) {
		return nil, invalidParameter("1 validation error detected: Value at 'clientName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
	}
	cfg, err := normalizeClientConfig(p, in.ClientConfig)
	if err != nil {
		return nil, err
	}
	current, err := s.loadClient(ctx, p.ID, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := s.checkOAuthSettings(ctx, p, cfg, current.Secret != ""); err != nil {
		return nil, err
	}
	settings, err := json.Marshal(cfg)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	var updated store.Client
	err = s.store.UpdateClient(ctx, p.ID, in.ClientId, func(old store.Client) (store.Client, error) {
		old.Settings = settings
		if in.ClientName != "" {
			old.Name = in.ClientName
		}
		old.UpdatedAt = s.clock()
		updated = old
		return old, nil
	})
	if err != nil {
		return nil, storeErr(err, clientNotFound(in.ClientId))
	}
	return &UserPoolClientOutput{UserPoolClient: clientDescription(&client{Client: updated, Config: cfg})}, nil
}

type DeleteUserPoolClientOutput struct{}

func (s *Service) DeleteUserPoolClient(ctx context.Context, in *ClientRef) (*DeleteUserPoolClientOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	return &DeleteUserPoolClientOutput{}, storeErr(s.store.DeleteClient(ctx, in.UserPoolId, in.ClientId), clientNotFound(in.ClientId))
}

type ListUserPoolClientsInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

type ListUserPoolClientsOutput struct {
	UserPoolClients []UserPoolClientDescription `json:"UserPoolClients"`
	NextToken       string                      `json:"NextToken,omitempty"`
}

func (s *Service) ListUserPoolClients(ctx context.Context, in *ListUserPoolClientsInput) (*ListUserPoolClientsOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	limit, err := pageLimit(in.MaxResults, 60)
	if err != nil {
		return nil, err
	}
	clients, err := s.store.ListClients(ctx, in.UserPoolId)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	page, next, err := paginate(clients, func(c store.Client) string { return c.ID }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListUserPoolClientsOutput{UserPoolClients: make([]UserPoolClientDescription, 0, len(page)), NextToken: next}
	for _, c := range page {
		out.UserPoolClients = append(out.UserPoolClients, UserPoolClientDescription{ClientId: c.ID, UserPoolId: c.PoolID, ClientName: c.Name})
	}
	return out, nil
}

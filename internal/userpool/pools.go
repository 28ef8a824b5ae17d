package userpool

import (
	"cmp"
	"context"
	"encoding/json"
	"regexp"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

type CreateUserPoolInput struct {
	PoolName string `json:"PoolName"`
	PoolConfig
}

type CreateUserPoolOutput struct {
	UserPool UserPoolType `json:"UserPool"`
}

var poolNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)

func (s *Service) CreateUserPool(ctx context.Context, in *CreateUserPoolInput) (*CreateUserPoolOutput, error) {
	if !poolNamePattern.MatchString(in.PoolName) {
		return nil, invalidParameter("1 validation error detected: Value at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
	}
	requested := in.PoolConfig
	requested.MFA = nil
	cfg, err := normalizePoolConfig(requested)
	if err != nil {
		return nil, err
	}
	p, err := s.createPool(ctx, newPoolID(s.region), in.PoolName, cfg)
	if err != nil {
		return nil, err
	}
	desc, err := s.describe(ctx, p)
	if err != nil {
		return nil, err
	}
	return &CreateUserPoolOutput{UserPool: *desc}, nil
}

// createPool stores a new pool of a normalized configuration and makes its
// signing keys; an id in use is store.ErrAlreadyExists (wrapped).
func (s *Service) createPool(ctx context.Context, id, name string, cfg PoolConfig) (*pool, error) {
	settings, err := json.Marshal(cfg)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	now := s.clock()
	p := store.UserPool{ID: id, Name: name, Settings: settings, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUserPool(ctx, p); err != nil {
		return nil, awserr.Internal(err)
	}
	if err := s.tokens.EnsureKeys(ctx, p.ID); err != nil {
		return nil, awserr.Internal(err)
	}
	return &pool{UserPool: p, Config: cfg}, nil
}

// normalizePoolConfig validates a requested configuration and fills in what
// Cognito fills in (the default password policy, "custom:" schema names).
func normalizePoolConfig(cfg PoolConfig) (PoolConfig, error) {
	if err := refuseUnbuiltPool(cfg); err != nil {
		return cfg, err
	}
	if len(cfg.UsernameAttributes) > 0 && len(cfg.AliasAttributes) > 0 {
		return cfg, invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	for _, a := range cfg.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return cfg, invalidParameter("1 validation error detected: Value '[%s]' at 'usernameAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email]]", a)
		}
	}
	for _, a := range cfg.AliasAttributes {
		if a != "email" && a != "phone_number" && a != "preferred_username" {
			return cfg, invalidParameter("1 validation error detected: Value '[%s]' at 'aliasAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email, preferred_username]]", a)
		}
	}
	if cfg.Policies == nil {
		cfg.Policies = &PoolPolicies{}
	}
	if cfg.Policies.PasswordPolicy == nil {
		pp := defaultPasswordPolicy
		cfg.Policies.PasswordPolicy = &pp
	} else if err := validatePasswordPolicy(cfg.Policies.PasswordPolicy); err != nil {
		return cfg, err
	}
	schema, err := normalizeSchema(cfg.Schema)
	if err != nil {
		return cfg, err
	}
	cfg.Schema = schema
	if cfg.MfaConfiguration == "" {
		cfg.MfaConfiguration = mfaOff
	}
	if err := validateSMSMessage("smsAuthenticationMessage", cfg.SmsAuthenticationMessage); err != nil {
		return cfg, err
	}
	if err := cfg.validateMFA(); err != nil {
		return cfg, err
	}
	if err := cfg.Policies.normalizeSignInPolicy(); err != nil {
		return cfg, err
	}
	if cfg.LambdaConfig, err = normalizeLambdaConfig(cfg.LambdaConfig); err != nil {
		return cfg, err
	}
	switch cfg.UserPoolTier {
	case "":
		cfg.UserPoolTier = "ESSENTIALS"
	case "LITE", "ESSENTIALS", "PLUS":
	default:
		return cfg, invalidParameter("1 validation error detected: Value '%s' at 'userPoolTier' failed to satisfy constraint: Member must satisfy enum value set: [LITE, ESSENTIALS, PLUS]", cfg.UserPoolTier)
	}
	if cfg.AdminCreateUserConfig == nil {
		cfg.AdminCreateUserConfig = &AdminCreateUserConfig{UnusedAccountValidityDays: 7}
	}
	if cfg.DeletionProtection == "" {
		cfg.DeletionProtection = "INACTIVE"
	}
	// What AWS returns for a pool created with only a name.
	if len(cfg.EmailConfiguration) == 0 {
		cfg.EmailConfiguration = map[string]any{"EmailSendingAccount": "COGNITO_DEFAULT"}
	}
	if cfg.VerificationMessageTemplate == nil {
		cfg.VerificationMessageTemplate = &VerificationMessage{}
	}
	t := cfg.VerificationMessageTemplate
	if t.DefaultEmailOption == "" {
		t.DefaultEmailOption = "CONFIRM_WITH_CODE"
	}
	if t.SmsMessage == "" {
		t.SmsMessage = defaultVerificationText
	}
	if t.EmailMessage == "" {
		t.EmailMessage = cmp.Or(cfg.EmailVerificationMessage, defaultVerificationText)
	}
	if t.EmailSubject == "" {
		t.EmailSubject = cmp.Or(cfg.EmailVerificationSubject, "Your verification code")
	}
	return cfg, nil
}

func validatePasswordPolicy(pp *PasswordPolicy) error {
	if pp.MinimumLength == 0 {
		pp.MinimumLength = 8
	}
	if pp.MinimumLength < 6 || pp.MinimumLength > 99 {
		return invalidParameter("1 validation error detected: Value '%d' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value between 6 and 99", pp.MinimumLength)
	}
	if pp.TemporaryPasswordValidityDays == 0 {
		pp.TemporaryPasswordValidityDays = 7
	}
	if pp.TemporaryPasswordValidityDays < 0 || pp.TemporaryPasswordValidityDays > 365 {
		return invalidParameter("1 validation error detected: Value '%d' at 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy constraint: Member must have value between 0 and 365", pp.TemporaryPasswordValidityDays)
	}
	return nil
}

type DescribeUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
}

type DescribeUserPoolOutput struct {
	UserPool UserPoolType `json:"UserPool"`
}

func (s *Service) DescribeUserPool(ctx context.Context, in *DescribeUserPoolInput) (*DescribeUserPoolOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	desc, err := s.describe(ctx, p)
	if err != nil {
		return nil, err
	}
	return &DescribeUserPoolOutput{UserPool: *desc}, nil
}

func (s *Service) describe(ctx context.Context, p *pool) (*UserPoolType, error) {
	users, err := s.store.CountUsers(ctx, p.ID)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	prefix, custom, err := s.poolDomains(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	cfg := p.Config
	schema := cfg.Schema
	cfg.Schema, cfg.MFA = nil, nil
	return &UserPoolType{
		Domain:                 prefix,
		CustomDomain:           custom,
		PoolConfig:             cfg,
		Id:                     p.ID,
		Name:                   p.Name,
		Arn:                    p.arn(s.region, s.account),
		CreationDate:           float64(p.CreatedAt),
		LastModifiedDate:       float64(p.UpdatedAt),
		EstimatedNumberOfUsers: int(users),
		SchemaAttributes:       schema,
	}, nil
}

type UpdateUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
	PoolConfig
}

type UpdateUserPoolOutput struct{}

// UpdateUserPool replaces the pool's mutable settings; as in Cognito, a
// setting left out returns to its default. Sign-in attributes, the username
// configuration and the schema cannot change after creation.
func (s *Service) UpdateUserPool(ctx context.Context, in *UpdateUserPoolInput) (*UpdateUserPoolOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	requested := in.PoolConfig
	requested.Schema = nil
	requested.UsernameAttributes, requested.AliasAttributes = nil, nil
	requested.UsernameConfiguration = nil
	requested.MFA = p.Config.MFA
	cfg, err := normalizePoolConfig(requested)
	if err != nil {
		return nil, err
	}
	cfg.Schema = p.Config.Schema
	cfg.UsernameAttributes, cfg.AliasAttributes = p.Config.UsernameAttributes, p.Config.AliasAttributes
	cfg.UsernameConfiguration = p.Config.UsernameConfiguration
	if err := s.savePoolConfig(ctx, p, cfg); err != nil {
		return nil, err
	}
	return &UpdateUserPoolOutput{}, nil
}

type DeleteUserPoolInput struct {
	UserPoolId string `json:"UserPoolId"`
}

type DeleteUserPoolOutput struct{}

func (s *Service) DeleteUserPool(ctx context.Context, in *DeleteUserPoolInput) (*DeleteUserPoolOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.Config.DeletionProtection == "ACTIVE" {
		return nil, invalidParameter("The user pool %s cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.", p.ID)
	}
	return &DeleteUserPoolOutput{}, storeErr(s.store.DeleteUserPool(ctx, p.ID), poolNotFound(p.ID))
}

type ListUserPoolsInput struct {
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken,omitempty"`
}

type ListUserPoolsOutput struct {
	UserPools []UserPoolDescription `json:"UserPools"`
	NextToken string                `json:"NextToken,omitempty"`
}

func (s *Service) ListUserPools(ctx context.Context, in *ListUserPoolsInput) (*ListUserPoolsOutput, error) {
	if in.MaxResults < 1 || in.MaxResults > 60 {
		return nil, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", in.MaxResults)
	}
	pools, err := s.store.ListUserPools(ctx)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	page, next, err := paginate(pools, func(p store.UserPool) string { return p.ID }, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &ListUserPoolsOutput{UserPools: make([]UserPoolDescription, 0, len(page)), NextToken: next}
	for _, p := range page {
		var cfg PoolConfig
		if err := json.Unmarshal(p.Settings, &cfg); err != nil {
			return nil, awserr.Internal(err)
		}
		out.UserPools = append(out.UserPools, UserPoolDescription{
			LambdaConfig: cfg.LambdaConfig, Id: p.ID, Name: p.Name, CreationDate: float64(p.CreatedAt), LastModifiedDate: float64(p.UpdatedAt),
		})
	}
	return out, nil
}

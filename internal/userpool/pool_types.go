package userpool

import "github.com/moat-dev/moat/internal/userpool/signin"

// The types in this file carry Cognito's field names because the Cognito API
// is the vocabulary of this domain: what a team configures through an SDK is
// exactly what moat stores and honours. The wire adapter only frames them.

// PoolConfig is the part of a pool that CreateUserPool sets and UpdateUserPool
// replaces; it is stored as the pool's settings document.
type PoolConfig struct {
	Policies                    *PoolPolicies          `json:"Policies,omitempty"`
	DeletionProtection          string                 `json:"DeletionProtection,omitempty"`
	LambdaConfig                *signin.LambdaConfig   `json:"LambdaConfig,omitempty"`
	AutoVerifiedAttributes      []string               `json:"AutoVerifiedAttributes,omitempty"`
	AliasAttributes             []string               `json:"AliasAttributes,omitempty"`
	UsernameAttributes          []string               `json:"UsernameAttributes,omitempty"`
	SmsVerificationMessage      string                 `json:"SmsVerificationMessage,omitempty"`
	EmailVerificationMessage    string                 `json:"EmailVerificationMessage,omitempty"`
	EmailVerificationSubject    string                 `json:"EmailVerificationSubject,omitempty"`
	VerificationMessageTemplate *VerificationMessage   `json:"VerificationMessageTemplate,omitempty"`
	SmsAuthenticationMessage    string                 `json:"SmsAuthenticationMessage,omitempty"`
	MfaConfiguration            string                 `json:"MfaConfiguration,omitempty"`
	UserAttributeUpdateSettings map[string]any         `json:"UserAttributeUpdateSettings,omitempty"`
	DeviceConfiguration         *DeviceConfiguration   `json:"DeviceConfiguration,omitempty"`
	EmailConfiguration          map[string]any         `json:"EmailConfiguration,omitempty"`
	SmsConfiguration            map[string]any         `json:"SmsConfiguration,omitempty"`
	UserPoolTags                map[string]string      `json:"UserPoolTags,omitempty"`
	AdminCreateUserConfig       *AdminCreateUserConfig `json:"AdminCreateUserConfig,omitempty"`
	Schema                      []SchemaAttribute      `json:"Schema,omitempty"`
	UserPoolAddOns              map[string]any         `json:"UserPoolAddOns,omitempty"`
	UsernameConfiguration       *UsernameConfiguration `json:"UsernameConfiguration,omitempty"`
	AccountRecoverySetting      map[string]any         `json:"AccountRecoverySetting,omitempty"`
	UserPoolTier                string                 `json:"UserPoolTier,omitempty"`
	// MFA is what only SetUserPoolMfaConfig changes: CreateUserPool and
	// UpdateUserPool leave it be and DescribeUserPool does not show it, as
	// in Cognito (see mfa_config.go).
	MFA *PoolMFA `json:"MoatMfa,omitempty"`
}

// DeviceConfiguration is DeviceConfigurationType; set, the pool tracks devices.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool `json:"ChallengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"DeviceOnlyRememberedOnUserPrompt"`
}

// PoolPolicies holds the password and sign-in policies.
type PoolPolicies struct {
	PasswordPolicy *PasswordPolicy `json:"PasswordPolicy,omitempty"`
	SignInPolicy   *SignInPolicy   `json:"SignInPolicy,omitempty"`
}

// SignInPolicy is SignInPolicyType: the first factors USER_AUTH may offer.
type SignInPolicy struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors"`
}

// PasswordPolicy is Cognito's PasswordPolicyType.
type PasswordPolicy struct {
	MinimumLength                 int  `json:"MinimumLength"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	PasswordHistorySize           *int `json:"PasswordHistorySize,omitempty"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays"`
}

// VerificationMessage is VerificationMessageTemplateType.
type VerificationMessage struct {
	SmsMessage         string `json:"SmsMessage,omitempty"`
	EmailMessage       string `json:"EmailMessage,omitempty"`
	EmailSubject       string `json:"EmailSubject,omitempty"`
	EmailMessageByLink string `json:"EmailMessageByLink,omitempty"`
	EmailSubjectByLink string `json:"EmailSubjectByLink,omitempty"`
	DefaultEmailOption string `json:"DefaultEmailOption,omitempty"`
}

// AdminCreateUserConfig is AdminCreateUserConfigType.
type AdminCreateUserConfig struct {
	AllowAdminCreateUserOnly  bool              `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int               `json:"UnusedAccountValidityDays,omitempty"`
	InviteMessageTemplate     map[string]string `json:"InviteMessageTemplate,omitempty"`
}

// UsernameConfiguration is UsernameConfigurationType.
type UsernameConfiguration struct {
	CaseSensitive *bool `json:"CaseSensitive,omitempty"`
}

// SchemaAttribute is SchemaAttributeType.
type SchemaAttribute struct {
	Name                       string                      `json:"Name"`
	AttributeDataType          string                      `json:"AttributeDataType,omitempty"`
	DeveloperOnlyAttribute     *bool                       `json:"DeveloperOnlyAttribute,omitempty"`
	Mutable                    *bool                       `json:"Mutable,omitempty"`
	Required                   *bool                       `json:"Required,omitempty"`
	NumberAttributeConstraints *NumberAttributeConstraints `json:"NumberAttributeConstraints,omitempty"`
	StringAttributeConstraints *StringAttributeConstraints `json:"StringAttributeConstraints,omitempty"`
}

// NumberAttributeConstraints bounds a Number attribute (strings on the wire).
type NumberAttributeConstraints struct {
	MinValue *string `json:"MinValue,omitempty"`
	MaxValue *string `json:"MaxValue,omitempty"`
}

// StringAttributeConstraints bounds a String attribute's length (strings on the wire).
type StringAttributeConstraints struct {
	MinLength *string `json:"MinLength,omitempty"`
	MaxLength *string `json:"MaxLength,omitempty"`
}

// UserPoolType is DescribeUserPool's answer.
type UserPoolType struct {
	PoolConfig
	Id                     string            `json:"Id"`
	Name                   string            `json:"Name"`
	Arn                    string            `json:"Arn"`
	Status                 string            `json:"Status,omitempty"`
	CreationDate           float64           `json:"CreationDate"`
	LastModifiedDate       float64           `json:"LastModifiedDate"`
	EstimatedNumberOfUsers int               `json:"EstimatedNumberOfUsers"`
	SchemaAttributes       []SchemaAttribute `json:"SchemaAttributes,omitempty"`
	Domain                 string            `json:"Domain,omitempty"`
	CustomDomain           string            `json:"CustomDomain,omitempty"`
}

// UserPoolDescription is one ListUserPools entry.
type UserPoolDescription struct {
	Id               string               `json:"Id"`
	Name             string               `json:"Name"`
	LambdaConfig     *signin.LambdaConfig `json:"LambdaConfig,omitempty"`
	Status           string               `json:"Status,omitempty"`
	CreationDate     float64              `json:"CreationDate"`
	LastModifiedDate float64              `json:"LastModifiedDate"`
}

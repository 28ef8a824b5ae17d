package identitypool

// Cognito Identity's shapes for identity pools, with its field names
// (botocore cognito-identity/2014-06-30/service-2.json).

// Provider is a CognitoIdentityProvider: a user pool and one of its app clients.
type Provider struct {
	ProviderName         string `json:"ProviderName,omitempty"`
	ClientId             string `json:"ClientId,omitempty"`
	ServerSideTokenCheck *bool  `json:"ServerSideTokenCheck,omitempty"`
}

// IdentityPool is the pool as CreateIdentityPool, UpdateIdentityPool and
// DescribeIdentityPool exchange it. Stored (without ID and name) as the
// pool's Config.
type IdentityPool struct {
	IdentityPoolId                 string            `json:"IdentityPoolId,omitempty"`
	IdentityPoolName               string            `json:"IdentityPoolName,omitempty"`
	AllowUnauthenticatedIdentities bool              `json:"AllowUnauthenticatedIdentities"`
	AllowClassicFlow               *bool             `json:"AllowClassicFlow,omitempty"`
	SupportedLoginProviders        map[string]string `json:"SupportedLoginProviders,omitempty"`
	DeveloperProviderName          string            `json:"DeveloperProviderName,omitempty"`
	OpenIdConnectProviderARNs      []string          `json:"OpenIdConnectProviderARNs,omitempty"`
	CognitoIdentityProviders       []Provider        `json:"CognitoIdentityProviders,omitempty"`
	SamlProviderARNs               []string          `json:"SamlProviderARNs,omitempty"`
	IdentityPoolTags               map[string]string `json:"IdentityPoolTags,omitempty"`
}

type PoolIDInput struct {
	IdentityPoolId string `json:"IdentityPoolId"`
}

type ListIdentityPoolsInput struct {
	MaxResults int64  `json:"MaxResults"`
	NextToken  string `json:"NextToken,omitempty"`
}

type PoolShortDescription struct {
	IdentityPoolId   string `json:"IdentityPoolId"`
	IdentityPoolName string `json:"IdentityPoolName"`
}

type ListIdentityPoolsOutput struct {
	IdentityPools []PoolShortDescription `json:"IdentityPools"`
	NextToken     string                 `json:"NextToken,omitempty"`
}

// MappingRule maps a claim's value to a role (Rules role mappings).
type MappingRule struct {
	Claim     string `json:"Claim"`
	MatchType string `json:"MatchType"`
	Value     string `json:"Value"`
	RoleARN   string `json:"RoleARN"`
}

type RulesConfiguration struct {
	Rules []MappingRule `json:"Rules"`
}

// RoleMapping chooses the role for one provider's logins.
type RoleMapping struct {
	Type                    string              `json:"Type"`
	AmbiguousRoleResolution string              `json:"AmbiguousRoleResolution,omitempty"`
	RulesConfiguration      *RulesConfiguration `json:"RulesConfiguration,omitempty"`
}

// PoolRoles is what SetIdentityPoolRoles sets and GetIdentityPoolRoles
// returns; stored (without the ID) as the pool's Roles.
type PoolRoles struct {
	IdentityPoolId string                 `json:"IdentityPoolId,omitempty"`
	Roles          map[string]string      `json:"Roles,omitempty"`
	RoleMappings   map[string]RoleMapping `json:"RoleMappings,omitempty"`
}

// TagMap is SetPrincipalTagAttributeMap's input and output: which claims of
// one provider's tokens become which session tags.
type TagMap struct {
	IdentityPoolId       string            `json:"IdentityPoolId"`
	IdentityProviderName string            `json:"IdentityProviderName"`
	UseDefaults          *bool             `json:"UseDefaults,omitempty"`
	PrincipalTags        map[string]string `json:"PrincipalTags,omitempty"`
}

type GetTagMapInput struct {
	IdentityPoolId       string `json:"IdentityPoolId"`
	IdentityProviderName string `json:"IdentityProviderName"`
}

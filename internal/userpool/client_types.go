package userpool

// ClientConfig is what CreateUserPoolClient sets and UpdateUserPoolClient
// replaces; it is stored as the client's settings document.
type ClientConfig struct {
	RefreshTokenValidity                     int64                 `json:"RefreshTokenValidity,omitempty"`
	AccessTokenValidity                      int64                 `json:"AccessTokenValidity,omitempty"`
	IdTokenValidity                          int64                 `json:"IdTokenValidity,omitempty"`
	TokenValidityUnits                       *TokenValidityUnits   `json:"TokenValidityUnits,omitempty"`
	ReadAttributes                           []string              `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string              `json:"WriteAttributes,omitempty"`
	ExplicitAuthFlows                        []string              `json:"ExplicitAuthFlows,omitempty"`
	SupportedIdentityProviders               []string              `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                             []string              `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string              `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI                       string                `json:"DefaultRedirectURI,omitempty"`
	AllowedOAuthFlows                        []string              `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string              `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool                  `json:"AllowedOAuthFlowsUserPoolClient,omitempty"`
	AnalyticsConfiguration                   map[string]any        `json:"AnalyticsConfiguration,omitempty"`
	PreventUserExistenceErrors               string                `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation                    *bool                 `json:"EnableTokenRevocation,omitempty"`
	EnablePropagateAdditionalUserContextData *bool                 `json:"EnablePropagateAdditionalUserContextData,omitempty"`
	AuthSessionValidity                      int64                 `json:"AuthSessionValidity,omitempty"`
	RefreshTokenRotation                     *RefreshTokenRotation `json:"RefreshTokenRotation,omitempty"`
	// MoatWalletSignIn is moat's extension: Sign-In with Ethereum through CUSTOM_AUTH.
	MoatWalletSignIn *WalletSignIn `json:"MoatWalletSignIn,omitempty"`
}

// RefreshTokenRotation is RefreshTokenRotationType: with Feature ENABLED,
// GetTokensFromRefreshToken issues a new refresh token and the old one is
// refused RetryGracePeriodSeconds (0 to 60) later.
type RefreshTokenRotation struct {
	Feature                 string `json:"Feature"`
	RetryGracePeriodSeconds *int64 `json:"RetryGracePeriodSeconds,omitempty"`
}

// TokenValidityUnits is TokenValidityUnitsType: seconds|minutes|hours|days.
type TokenValidityUnits struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// UserPoolClientType is DescribeUserPoolClient's answer.
type UserPoolClientType struct {
	ClientConfig
	UserPoolId       string  `json:"UserPoolId"`
	ClientName       string  `json:"ClientName"`
	ClientId         string  `json:"ClientId"`
	ClientSecret     string  `json:"ClientSecret,omitempty"`
	CreationDate     float64 `json:"CreationDate"`
	LastModifiedDate float64 `json:"LastModifiedDate"`
}

// UserPoolClientDescription is one ListUserPoolClients entry.
type UserPoolClientDescription struct {
	ClientId   string `json:"ClientId"`
	UserPoolId string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

// GroupType is Cognito's GroupType.
type GroupType struct {
	GroupName        string  `json:"GroupName"`
	UserPoolId       string  `json:"UserPoolId"`
	Description      string  `json:"Description,omitempty"`
	RoleArn          string  `json:"RoleArn,omitempty"`
	Precedence       *int64  `json:"Precedence,omitempty"`
	CreationDate     float64 `json:"CreationDate"`
	LastModifiedDate float64 `json:"LastModifiedDate"`
}

// AttributeType is one name/value user attribute on the wire.
type AttributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// UserType is a user as ListUsers and AdminCreateUser return it.
type UserType struct {
	Username             string          `json:"Username"`
	Attributes           []AttributeType `json:"Attributes"`
	UserCreateDate       float64         `json:"UserCreateDate"`
	UserLastModifiedDate float64         `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []any           `json:"MFAOptions,omitempty"`
}

// AuthenticationResult is AuthenticationResultType.
type AuthenticationResult struct {
	AccessToken       string             `json:"AccessToken"`
	ExpiresIn         int64              `json:"ExpiresIn"`
	TokenType         string             `json:"TokenType"`
	RefreshToken      string             `json:"RefreshToken,omitempty"`
	IdToken           string             `json:"IdToken"`
	NewDeviceMetadata *NewDeviceMetadata `json:"NewDeviceMetadata,omitempty"`
}

// NewDeviceMetadata is NewDeviceMetadataType: the device a sign-in named.
type NewDeviceMetadata struct {
	DeviceKey      string `json:"DeviceKey"`
	DeviceGroupKey string `json:"DeviceGroupKey"`
}

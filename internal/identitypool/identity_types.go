package identitypool

// Cognito Identity's shapes for identities, credentials and tokens.

type GetIdInput struct {
	AccountId      string            `json:"AccountId,omitempty"`
	IdentityPoolId string            `json:"IdentityPoolId"`
	Logins         map[string]string `json:"Logins,omitempty"`
}

type IdentityIDOutput struct {
	IdentityId string `json:"IdentityId"`
}

type GetCredentialsInput struct {
	IdentityId    string            `json:"IdentityId"`
	Logins        map[string]string `json:"Logins,omitempty"`
	CustomRoleArn string            `json:"CustomRoleArn,omitempty"`
}

// Credentials are Cognito's: SecretKey, not STS's SecretAccessKey, and
// Expiration in epoch seconds.
type Credentials struct {
	AccessKeyId  string  `json:"AccessKeyId"`
	SecretKey    string  `json:"SecretKey"`
	SessionToken string  `json:"SessionToken"`
	Expiration   float64 `json:"Expiration"`
}

type GetCredentialsOutput struct {
	IdentityId  string      `json:"IdentityId"`
	Credentials Credentials `json:"Credentials"`
}

type GetOpenIdTokenInput struct {
	IdentityId string            `json:"IdentityId"`
	Logins     map[string]string `json:"Logins,omitempty"`
}

type OpenIdTokenOutput struct {
	IdentityId string `json:"IdentityId"`
	Token      string `json:"Token"`
}

type DeveloperTokenInput struct {
	IdentityPoolId string            `json:"IdentityPoolId"`
	IdentityId     string            `json:"IdentityId,omitempty"`
	Logins         map[string]string `json:"Logins"`
	PrincipalTags  map[string]string `json:"PrincipalTags,omitempty"`
	TokenDuration  *int64            `json:"TokenDuration,omitempty"`
}

type LookupDeveloperIdentityInput struct {
	IdentityPoolId          string `json:"IdentityPoolId"`
	IdentityId              string `json:"IdentityId,omitempty"`
	DeveloperUserIdentifier string `json:"DeveloperUserIdentifier,omitempty"`
	MaxResults              *int64 `json:"MaxResults,omitempty"`
	NextToken               string `json:"NextToken,omitempty"`
}

type LookupDeveloperIdentityOutput struct {
	IdentityId                  string   `json:"IdentityId,omitempty"`
	DeveloperUserIdentifierList []string `json:"DeveloperUserIdentifierList"`
}

type IdentityIDInput struct {
	IdentityId string `json:"IdentityId"`
}

type IdentityDescription struct {
	IdentityId       string   `json:"IdentityId"`
	Logins           []string `json:"Logins,omitempty"`
	CreationDate     float64  `json:"CreationDate"`
	LastModifiedDate float64  `json:"LastModifiedDate"`
}

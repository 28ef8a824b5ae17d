package signin

// LambdaConfig is Cognito's LambdaConfigType: the functions a pool's
// triggers run, by ARN. Hooks read it from each Call to know which of a
// pool's triggers are set.
type LambdaConfig struct {
	PreSignUp                   string `json:"PreSignUp,omitempty"`
	CustomMessage               string `json:"CustomMessage,omitempty"`
	PostConfirmation            string `json:"PostConfirmation,omitempty"`
	PreAuthentication           string `json:"PreAuthentication,omitempty"`
	PostAuthentication          string `json:"PostAuthentication,omitempty"`
	DefineAuthChallenge         string `json:"DefineAuthChallenge,omitempty"`
	CreateAuthChallenge         string `json:"CreateAuthChallenge,omitempty"`
	VerifyAuthChallengeResponse string `json:"VerifyAuthChallengeResponse,omitempty"`
	// PreTokenGeneration is the V1 trigger's ARN; PreTokenGenerationConfig
	// names the same function with its event version.
	PreTokenGeneration       string           `json:"PreTokenGeneration,omitempty"`
	PreTokenGenerationConfig *VersionedLambda `json:"PreTokenGenerationConfig,omitempty"`
	UserMigration            string           `json:"UserMigration,omitempty"`
	CustomSMSSender          *VersionedLambda `json:"CustomSMSSender,omitempty"`
	CustomEmailSender        *VersionedLambda `json:"CustomEmailSender,omitempty"`
	InboundFederation        *VersionedLambda `json:"InboundFederation,omitempty"`
	KMSKeyID                 string           `json:"KMSKeyID,omitempty"`
}

// VersionedLambda is a trigger function with the version of the event it
// takes (PreTokenGenerationVersionConfigType and its kin).
type VersionedLambda struct {
	LambdaArn     string `json:"LambdaArn"`
	LambdaVersion string `json:"LambdaVersion"`
}

// Pre-token-generation event versions.
const (
	TokenEventV1 = "V1_0"
	TokenEventV2 = "V2_0"
	TokenEventV3 = "V3_0"
)

// FederationEventV1 is the one inbound-federation event version.
const FederationEventV1 = "V1_0"

// CustomAuth reports whether the pool runs its own challenge loop: all
// three of its functions are set.
func (c *LambdaConfig) CustomAuth() bool {
	return c != nil && c.DefineAuthChallenge != "" && c.CreateAuthChallenge != "" && c.VerifyAuthChallengeResponse != ""
}

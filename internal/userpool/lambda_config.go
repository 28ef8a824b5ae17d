package userpool

import (
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// normalizeLambdaConfig checks a pool's triggers and fills in what Cognito
// does: PreTokenGeneration and PreTokenGenerationConfig name one function,
// so setting either sets both (V1_0 when no version is given). An empty
// configuration is none.
func normalizeLambdaConfig(c *signin.LambdaConfig) (*signin.LambdaConfig, error) {
	if c == nil {
		return nil, nil
	}
	if v := c.InboundFederation; v != nil {
		if err := checkARN("lambdaConfig.inboundFederation.lambdaArn", v.LambdaArn, false); err != nil {
			return nil, err
		}
		if v.LambdaVersion != signin.FederationEventV1 {
			return nil, invalidParameter("1 validation error detected: Value '%s' at 'lambdaConfig.inboundFederation.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0]", v.LambdaVersion)
		}
	}
	out := *c
	if err := normalizeSenders(&out); err != nil {
		return nil, err
	}
	for member, arn := range map[string]string{
		"preSignUp": c.PreSignUp, "customMessage": c.CustomMessage, "postConfirmation": c.PostConfirmation,
		"preAuthentication": c.PreAuthentication, "postAuthentication": c.PostAuthentication,
		"defineAuthChallenge": c.DefineAuthChallenge, "createAuthChallenge": c.CreateAuthChallenge,
		"verifyAuthChallengeResponse": c.VerifyAuthChallengeResponse, "preTokenGeneration": c.PreTokenGeneration,
		"userMigration": c.UserMigration,
	} {
		if err := checkARN("lambdaConfig."+member, arn, true); err != nil {
			return nil, err
		}
	}
	if v := c.PreTokenGenerationConfig; v != nil {
		if err := checkARN("lambdaConfig.preTokenGenerationConfig.lambdaArn", v.LambdaArn, false); err != nil {
			return nil, err
		}
		switch v.LambdaVersion {
		case signin.TokenEventV1, signin.TokenEventV2, signin.TokenEventV3:
		default:
			return nil, invalidParameter("1 validation error detected: Value '%s' at 'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0, V2_0, V3_0]", v.LambdaVersion)
		}
		if c.PreTokenGeneration != "" && c.PreTokenGeneration != v.LambdaArn {
			return nil, invalidParameter("The value of PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same.")
		}
		config := *v
		out.PreTokenGenerationConfig = &config
		out.PreTokenGeneration = v.LambdaArn
	} else if c.PreTokenGeneration != "" {
		out.PreTokenGenerationConfig = &signin.VersionedLambda{LambdaArn: c.PreTokenGeneration, LambdaVersion: signin.TokenEventV1}
	}
	if out == (signin.LambdaConfig{}) {
		return nil, nil
	}
	return &out, nil
}

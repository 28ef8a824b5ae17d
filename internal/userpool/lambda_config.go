package userpool

import (
	"regexp"

	"github.com/moat-dev/moat/internal/userpool/signin"
)

// lambdaARNPattern is LambdaConfigType's ARN pattern.
var lambdaARNPattern = regexp.MustCompile(`^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$`)

const lambdaARNConstraint = `Member must satisfy regular expression pattern: arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`

// normalizeLambdaConfig checks a pool's triggers and fills in what Cognito
// does: PreTokenGeneration and PreTokenGenerationConfig name one function,
// so setting either sets both (V1_0 when no version is given). An empty
// configuration is none.
func normalizeLambdaConfig(c *signin.LambdaConfig) (*signin.LambdaConfig, error) {
	if c == nil {
		return nil, nil
	}
	if v := c.InboundFederation; v != nil {
		if err := checkLambdaARN("lambdaConfig.inboundFederation.lambdaArn", v.LambdaArn, false); err != nil {
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
		if err := checkLambdaARN("lambdaConfig."+member, arn, true); err != nil {
			return nil, err
		}
	}
	if v := c.PreTokenGenerationConfig; v != nil {
		if err := checkLambdaARN("lambdaConfig.preTokenGenerationConfig.lambdaArn", v.LambdaArn, false); err != nil {
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

// checkLambdaARN is one trigger's ARN checked as Cognito checks it; empty
// passes when the trigger is optional.
func checkLambdaARN(member, arn string, optional bool) error {
	if arn == "" && optional {
		return nil
	}
	if len(arn) < 20 || len(arn) > 2048 {
		return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 20 and 2048", arn, member)
	}
	if !lambdaARNPattern.MatchString(arn) {
		return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", arn, member, lambdaARNConstraint)
	}
	return nil
}

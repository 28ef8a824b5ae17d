package userpool

import "github.com/moat-dev/moat/internal/userpool/signin"

// senderEventV1 is the one event version custom senders take.
const senderEventV1 = "V1_0"

// normalizeSenders checks a configuration's custom senders as Cognito
// does: V1_0 functions, with the KMS key Cognito would encrypt codes
// under. moat seals codes with a key of each function's own instead
// (package codeseal), so KMSKeyID is kept and shown, not used.
func normalizeSenders(c *signin.LambdaConfig) error {
	for member, sender := range map[string]**signin.VersionedLambda{
		"customEmailSender": &c.CustomEmailSender, "customSMSSender": &c.CustomSMSSender,
	} {
		v := *sender
		if v == nil {
			continue
		}
		if err := checkARN("lambdaConfig."+member+".lambdaArn", v.LambdaArn, false); err != nil {
			return err
		}
		if v.LambdaVersion != senderEventV1 {
			return invalidParameter("1 validation error detected: Value '%s' at 'lambdaConfig.%s.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0]", v.LambdaVersion, member)
		}
		copied := *v
		*sender = &copied
	}
	if err := checkARN("lambdaConfig.kMSKeyID", c.KMSKeyID, true); err != nil {
		return err
	}
	if (c.CustomEmailSender != nil || c.CustomSMSSender != nil) && c.KMSKeyID == "" {
		return invalidParameter("KMSKeyID must be set when CustomEmailSender or CustomSMSSender is set.")
	}
	return nil
}

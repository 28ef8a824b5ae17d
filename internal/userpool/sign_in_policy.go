package userpool

import "slices"

// firstFactors are the factors USER_AUTH can sign a user in with; PASSWORD
// stands for both PASSWORD and PASSWORD_SRP.
var firstFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}

// normalizeSignInPolicy fills in Cognito's default policy (passwords only)
// and checks the factors named.
func (pp *PoolPolicies) normalizeSignInPolicy() error {
	if pp.SignInPolicy == nil || len(pp.SignInPolicy.AllowedFirstAuthFactors) == 0 {
		pp.SignInPolicy = &SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD"}}
		return nil
	}
	var factors []string
	for _, f := range pp.SignInPolicy.AllowedFirstAuthFactors {
		if !slices.Contains(firstFactors, f) {
			return invalidParameter("1 validation error detected: Value '[%s]' at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]]", f)
		}
		if !slices.Contains(factors, f) {
			factors = append(factors, f)
		}
	}
	if !slices.Contains(factors, "PASSWORD") {
		return invalidParameter("AllowedFirstAuthFactors must include PASSWORD.")
	}
	pp.SignInPolicy.AllowedFirstAuthFactors = factors
	return nil
}

// allowsFirstFactor reports whether the pool's sign-in policy lets USER_AUTH offer f.
func (p *pool) allowsFirstFactor(f string) bool {
	pp := p.Config.Policies
	if pp == nil || pp.SignInPolicy == nil {
		return f == "PASSWORD"
	}
	return slices.Contains(pp.SignInPolicy.AllowedFirstAuthFactors, f)
}

package userpool

import (
	"fmt"
)

// A setting moat stores must take effect. The settings below name features
// this moat does not have yet (SMS verification messages, SES, threat
// protection, analytics; lambda_config.go refuses the triggers not built), so
// asking for them is refused with the feature named, never stored and
// ignored. Each later feature lifts its refusal here.

func unbuilt(setting, feature string) error {
	return invalidParameter("%s: %s is not supported by this moat version.", setting, feature)
}

// refuseUnbuiltPool refuses pool settings whose feature is not built.
func refuseUnbuiltPool(cfg PoolConfig) error {
	// MfaConfiguration, SmsConfiguration and SmsAuthenticationMessage (MFA
	// codes), DeviceConfiguration, Policies.SignInPolicy and UserPoolTier are
	// built and checked where they are used (mfa_config.go, sign_in_policy.go);
	// the tier gates nothing.
	switch cfg.UserPoolTier {
	case "", "LITE", "ESSENTIALS", "PLUS":
	default:
		return invalidParameter("1 validation error detected: Value '%s' at 'userPoolTier' failed to satisfy constraint: Member must satisfy enum value set: [LITE, ESSENTIALS, PLUS]", cfg.UserPoolTier)
	}
	switch {
	case !isDefaultSMS(cfg.SmsVerificationMessage):
		return unbuilt("SmsVerificationMessage", "verification codes by SMS")
	case cfg.VerificationMessageTemplate != nil && !isDefaultSMS(cfg.VerificationMessageTemplate.SmsMessage):
		return unbuilt("VerificationMessageTemplate.SmsMessage", "verification codes by SMS")
	case cfg.VerificationMessageTemplate != nil && cfg.VerificationMessageTemplate.DefaultEmailOption == "CONFIRM_WITH_LINK":
		return unbuilt("VerificationMessageTemplate.DefaultEmailOption CONFIRM_WITH_LINK", "confirmation by link")
	case len(cfg.UserAttributeUpdateSettings) > 0:
		return unbuilt("UserAttributeUpdateSettings", "keeping the old value until the new one is verified")
	case len(cfg.UserPoolAddOns) > 0 && cfg.UserPoolAddOns["AdvancedSecurityMode"] != "OFF":
		return unbuilt("UserPoolAddOns", "threat protection (advanced security)")
	case cfg.Policies != nil && cfg.Policies.PasswordPolicy != nil && cfg.Policies.PasswordPolicy.PasswordHistorySize != nil && *cfg.Policies.PasswordPolicy.PasswordHistorySize > 0:
		return unbuilt("PasswordPolicy.PasswordHistorySize", "password history")
	}
	if err := refuseUnbuiltEmail(cfg.EmailConfiguration); err != nil {
		return err
	}
	return refuseUnbuiltRecovery(cfg.AccountRecoverySetting)
}

// defaultVerificationText is Cognito's default code message, for email and
// SMS alike; DescribeUserPool returns it, so an UpdateUserPool that sends
// back what DescribeUserPool gave must pass.
const defaultVerificationText = "Your verification code is {####}. "

// isDefaultSMS: no SMS text, or Cognito's default one (sent nowhere).
func isDefaultSMS(text string) bool { return text == "" || text == defaultVerificationText }

// refuseUnbuiltEmail allows Cognito's default sender only: moat sends mail
// through --smtp-url, not Amazon SES.
func refuseUnbuiltEmail(email map[string]any) error {
	for k, v := range email {
		if k != "EmailSendingAccount" || v != "COGNITO_DEFAULT" {
			return unbuilt("EmailConfiguration."+k, "sending through Amazon SES (moat sends mail through --smtp-url)")
		}
	}
	return nil
}

// refuseUnbuiltRecovery allows recovery by verified email only, the one
// channel moat delivers to.
func refuseUnbuiltRecovery(setting map[string]any) error {
	if len(setting) == 0 {
		return nil
	}
	mechanisms, _ := setting["RecoveryMechanisms"].([]any)
	for _, m := range mechanisms {
		entry, _ := m.(map[string]any)
		name, _ := entry["Name"].(string)
		if name != "verified_email" {
			return unbuilt(fmt.Sprintf("AccountRecoverySetting %s", name), "account recovery other than by verified email")
		}
	}
	return nil
}

// refuseUnbuiltClient refuses app-client settings whose feature is not
// built. OAuth settings and identity providers are built and checked in
// oauth_client.go.
func refuseUnbuiltClient(cfg ClientConfig) error {
	switch {
	case len(cfg.AnalyticsConfiguration) > 0:
		return unbuilt("AnalyticsConfiguration", "Amazon Pinpoint analytics")
	case cfg.EnablePropagateAdditionalUserContextData != nil && *cfg.EnablePropagateAdditionalUserContextData:
		return unbuilt("EnablePropagateAdditionalUserContextData", "threat protection (advanced security)")
	}
	return nil
}

package userpool

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// A pool's MFA configuration: MfaConfiguration (OFF, ON, OPTIONAL) says
// whether a second factor is asked for, and which factors exist is set by
// SetUserPoolMfaConfig. The SMS part is the pool's SmsAuthenticationMessage
// and SmsConfiguration; the rest is kept in PoolConfig.MFA, which only
// SetUserPoolMfaConfig changes.

// PoolMFA is the part of GetUserPoolMfaConfig's answer the pool itself does
// not describe.
type PoolMFA struct {
	SoftwareToken *SoftwareTokenMfaConfig `json:"SoftwareTokenMfaConfiguration,omitempty"`
	Email         *EmailMfaConfig         `json:"EmailMfaConfiguration,omitempty"`
	WebAuthn      *WebAuthnConfig         `json:"WebAuthnConfiguration,omitempty"`
}

// SoftwareTokenMfaConfig is SoftwareTokenMfaConfigType.
type SoftwareTokenMfaConfig struct {
	Enabled bool `json:"Enabled"`
}

// EmailMfaConfig is EmailMfaConfigType: the message an EMAIL_OTP code goes in.
type EmailMfaConfig struct {
	Message string `json:"Message,omitempty"`
	Subject string `json:"Subject,omitempty"`
}

// SmsMfaConfig is SmsMfaConfigType.
type SmsMfaConfig struct {
	SmsAuthenticationMessage string         `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration         map[string]any `json:"SmsConfiguration,omitempty"`
}

// WebAuthnConfig is WebAuthnConfigurationType.
type WebAuthnConfig struct {
	RelyingPartyId      string `json:"RelyingPartyId,omitempty"`
	UserVerification    string `json:"UserVerification,omitempty"`
	FactorConfiguration string `json:"FactorConfiguration,omitempty"`
}

const (
	mfaOff      = "OFF"
	mfaOn       = "ON"
	mfaOptional = "OPTIONAL"
)

type SetUserPoolMfaConfigInput struct {
	UserPoolId string `json:"UserPoolId"`
	MfaConfigOutput
}

// MfaConfigOutput is SetUserPoolMfaConfig's and GetUserPoolMfaConfig's answer.
type MfaConfigOutput struct {
	MfaConfiguration              string                  `json:"MfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfig `json:"SoftwareTokenMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *EmailMfaConfig         `json:"EmailMfaConfiguration,omitempty"`
	SmsMfaConfiguration           *SmsMfaConfig           `json:"SmsMfaConfiguration,omitempty"`
	WebAuthnConfiguration         *WebAuthnConfig         `json:"WebAuthnConfiguration,omitempty"`
}

// SetUserPoolMfaConfig changes the parts it is given and leaves the rest.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *SetUserPoolMfaConfigInput) (*MfaConfigOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	cfg := p.Config
	mfa := PoolMFA{}
	if cfg.MFA != nil {
		mfa = *cfg.MFA
	}
	if in.MfaConfiguration != "" {
		cfg.MfaConfiguration = in.MfaConfiguration
	}
	if in.SoftwareTokenMfaConfiguration != nil {
		mfa.SoftwareToken = in.SoftwareTokenMfaConfiguration
	}
	if e := in.EmailMfaConfiguration; e != nil {
		if err := e.validate(); err != nil {
			return nil, err
		}
		mfa.Email = e
	}
	if sms := in.SmsMfaConfiguration; sms != nil {
		if err := validateSMSMessage("smsMfaConfiguration.smsAuthenticationMessage", sms.SmsAuthenticationMessage); err != nil {
			return nil, err
		}
		cfg.SmsAuthenticationMessage, cfg.SmsConfiguration = sms.SmsAuthenticationMessage, sms.SmsConfiguration
	}
	if w := in.WebAuthnConfiguration; w != nil {
		if err := w.normalize(); err != nil {
			return nil, err
		}
		mfa.WebAuthn = w
	}
	cfg.MFA = &mfa
	if err := cfg.validateMFA(); err != nil {
		return nil, err
	}
	if err := s.savePoolConfig(ctx, p, cfg); err != nil {
		return nil, err
	}
	return mfaConfigOutput(cfg), nil
}

func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *DescribeUserPoolInput) (*MfaConfigOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return mfaConfigOutput(p.Config), nil
}

func mfaConfigOutput(cfg PoolConfig) *MfaConfigOutput {
	out := &MfaConfigOutput{MfaConfiguration: cfg.MfaConfiguration}
	if cfg.SmsAuthenticationMessage != "" || len(cfg.SmsConfiguration) > 0 {
		out.SmsMfaConfiguration = &SmsMfaConfig{SmsAuthenticationMessage: cfg.SmsAuthenticationMessage, SmsConfiguration: cfg.SmsConfiguration}
	}
	if m := cfg.MFA; m != nil {
		out.SoftwareTokenMfaConfiguration, out.EmailMfaConfiguration, out.WebAuthnConfiguration = m.SoftwareToken, m.Email, m.WebAuthn
	}
	return out
}

// savePoolConfig stores a pool's changed configuration.
func (s *Service) savePoolConfig(ctx context.Context, p *pool, cfg PoolConfig) error {
	settings, err := json.Marshal(cfg)
	if err != nil {
		return awserr.Internal(err)
	}
	err = s.store.UpdateUserPool(ctx, p.ID, func(old store.UserPool) (store.UserPool, error) {
		old.Settings = settings
		old.UpdatedAt = s.clock()
		return old, nil
	})
	return storeErr(err, poolNotFound(p.ID))
}

// validateMFA checks MfaConfiguration against the factors the pool offers:
// a pool that asks for a second factor must offer one.
func (cfg PoolConfig) validateMFA() error {
	switch cfg.MfaConfiguration {
	case mfaOff:
		return nil
	case mfaOn, mfaOptional:
	default:
		return invalidParameter("1 validation error detected: Value '%s' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]", cfg.MfaConfiguration)
	}
	p := pool{Config: cfg}
	if len(p.mfaFactors()) == 0 {
		return invalidParameter("Invalid MFA configuration given, can't turn off all MFAs and MfaConfiguration to be ON or OPTIONAL.")
	}
	return nil
}

// Second factors by their challenge names, in the order Cognito lists them.
const (
	factorSMS   = "SMS_MFA"
	factorTOTP  = "SOFTWARE_TOKEN_MFA"
	factorEmail = "EMAIL_OTP"
)

// mfaFactors are the second factors the pool offers.
func (p *pool) mfaFactors() []string {
	var out []string
	if len(p.Config.SmsConfiguration) > 0 {
		out = append(out, factorSMS)
	}
	if m := p.Config.MFA; m != nil && m.SoftwareToken != nil && m.SoftwareToken.Enabled {
		out = append(out, factorTOTP)
	}
	if m := p.Config.MFA; m != nil && m.Email != nil {
		out = append(out, factorEmail)
	}
	return out
}

func (p *pool) offersFactor(f string) bool { return slices.Contains(p.mfaFactors(), f) }

func (e *EmailMfaConfig) validate() error {
	if e.Message != "" && (len(e.Message) < 6 || len(e.Message) > 20000 || !strings.Contains(e.Message, "{####}")) {
		return invalidParameter("The email MFA message must be 6 to 20000 characters long and contain the code placeholder {####}.")
	}
	if len(e.Subject) > 140 {
		return invalidParameter("1 validation error detected: Value at 'emailMfaConfiguration.subject' failed to satisfy constraint: Member must have length less than or equal to 140")
	}
	return nil
}

// validateSMSMessage checks an SMS template: 6 to 140 characters with {####}.
func validateSMSMessage(field, msg string) error {
	if msg == "" {
		return nil
	}
	if len(msg) < 6 || len(msg) > 140 || !strings.Contains(msg, "{####}") {
		return invalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be 6 to 140 characters long and contain {####}", field)
	}
	return nil
}

// normalize fills in Cognito's defaults and refuses what moat does not build.
func (w *WebAuthnConfig) normalize() error {
	if n := len(w.RelyingPartyId); w.RelyingPartyId != "" && (n > 127 || strings.ContainsAny(w.RelyingPartyId, "/:?# ")) {
		return invalidParameter("RelyingPartyId must be a domain name of 1 to 127 characters (no scheme, port or path), such as auth.example.com.")
	}
	switch w.UserVerification {
	case "":
		w.UserVerification = "preferred"
	case "preferred", "required":
	default:
		return invalidParameter("1 validation error detected: Value '%s' at 'webAuthnConfiguration.userVerification' failed to satisfy constraint: Member must satisfy enum value set: [required, preferred]", w.UserVerification)
	}
	switch w.FactorConfiguration {
	case "", "SINGLE_FACTOR":
		w.FactorConfiguration = "SINGLE_FACTOR"
	case "MULTI_FACTOR_WITH_USER_VERIFICATION":
		return invalidParameter("FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION (a passkey as a second factor) is not supported by this moat version; passkeys sign in as a first factor (SINGLE_FACTOR) through USER_AUTH.")
	default:
		return invalidParameter("1 validation error detected: Value '%s' at 'webAuthnConfiguration.factorConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [SINGLE_FACTOR, MULTI_FACTOR_WITH_USER_VERIFICATION]", w.FactorConfiguration)
	}
	return nil
}

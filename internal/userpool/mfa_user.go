package userpool

import (
	"context"
	"slices"

	"github.com/moat-dev/moat/internal/store"
)

// userMFA is a user's second factors: which are on, which is preferred, and
// the software token's state (its secret is the user secret totpSecret).
type userMFA struct {
	// TOTP is true once a software token was verified.
	TOTP     bool   `json:"totp,omitempty"`
	TOTPName string `json:"totpName,omitempty"`
	// TOTPStep is the last time step a code was accepted for: each code is
	// good once, and no older one after it.
	TOTPStep  int64    `json:"totpStep,omitempty"`
	Enabled   []string `json:"on,omitempty"`
	Preferred string   `json:"preferred,omitempty"`
}

func (m *userMFA) enable(factor string, preferred bool) {
	if !slices.Contains(m.Enabled, factor) {
		m.Enabled = append(m.Enabled, factor)
		slices.Sort(m.Enabled)
	}
	if preferred {
		m.Preferred = factor
	}
}

func (m *userMFA) disable(factor string) {
	m.Enabled = slices.DeleteFunc(m.Enabled, func(f string) bool { return f == factor })
	if m.Preferred == factor {
		m.Preferred = ""
	}
}

// MFAOptionSettings is SMSMfaSettingsType, SoftwareTokenMfaSettingsType and
// EmailMfaSettingsType.
type MFAOptionSettings struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

// WebAuthnMfaSettings is WebAuthnMfaSettingsType.
type WebAuthnMfaSettings struct {
	Enabled bool `json:"Enabled"`
}

type MFAPreferences struct {
	SMSMfaSettings           *MFAOptionSettings   `json:"SMSMfaSettings,omitempty"`
	SoftwareTokenMfaSettings *MFAOptionSettings   `json:"SoftwareTokenMfaSettings,omitempty"`
	EmailMfaSettings         *MFAOptionSettings   `json:"EmailMfaSettings,omitempty"`
	WebAuthnMfaSettings      *WebAuthnMfaSettings `json:"WebAuthnMfaSettings,omitempty"`
}

type SetUserMFAPreferenceInput struct {
	AccessToken string `json:"AccessToken"`
	MFAPreferences
}

type AdminSetUserMFAPreferenceInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	MFAPreferences
}

func (s *Service) SetUserMFAPreference(ctx context.Context, in *SetUserMFAPreferenceInput) (*Empty, error) {
	p, u, _, err := s.accessTokenUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.setMFAPreferences(ctx, p, u, in.MFAPreferences)
}

// AdminSetUserMFAPreference is also how an administrator turns off a factor
// a user lost; AdminDeleteSoftwareToken removes the token itself.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *AdminSetUserMFAPreferenceInput) (*Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.setMFAPreferences(ctx, p, u, in.MFAPreferences)
}

// setMFAPreferences applies the settings given, leaving the others: a factor
// turned on must be one the user can use, and one preferred must be on.
func (s *Service) setMFAPreferences(ctx context.Context, p *pool, u store.User, in MFAPreferences) error {
	if w := in.WebAuthnMfaSettings; w != nil && w.Enabled {
		return invalidParameter("Passkeys as a second factor are not supported by this moat version; passkeys sign in as a first factor through USER_AUTH.")
	}
	settings := []struct {
		factor string
		set    *MFAOptionSettings
	}{{factorSMS, in.SMSMfaSettings}, {factorTOTP, in.SoftwareTokenMfaSettings}, {factorEmail, in.EmailMfaSettings}}
	for _, x := range settings {
		if x.set != nil && x.set.PreferredMfa && !x.set.Enabled {
			return invalidParameter("%s cannot be preferred while it is not enabled.", x.factor)
		}
	}
	_, err := s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		for _, x := range settings {
			switch {
			case x.set == nil:
			case !x.set.Enabled:
				st.MFA.disable(x.factor)
			default:
				if err := canUseFactor(old, st, x.factor); err != nil {
					return old, change{}, err
				}
				st.MFA.enable(x.factor, x.set.PreferredMfa)
				if !x.set.PreferredMfa && st.MFA.Preferred == x.factor {
					st.MFA.Preferred = ""
				}
			}
		}
		old.State = encodeState(st)
		old.UpdatedAt = s.clock()
		return old, change{kind: bookkeeping}, nil
	})
	return storeErr(err, errUserNotFound)
}

// canUseFactor reports whether a user has what a factor needs: a verified
// software token, a phone number, an email address.
func canUseFactor(u store.User, st userState, factor string) error {
	switch factor {
	case factorTOTP:
		if !st.MFA.TOTP {
			return invalidParameter("User has not verified software token mfa")
		}
	case factorSMS:
		if u.Attributes["phone_number"] == "" {
			return invalidParameter("User does not have delivery config set to turn on SMS_MFA")
		}
	case factorEmail:
		if u.Attributes["email"] == "" {
			return invalidParameter("User does not have delivery config set to turn on EMAIL_OTP")
		}
	}
	return nil
}

// mfaSettings is what GetUser and AdminGetUser report of a user's factors.
func mfaSettings(u store.User) (list []string, preferred string) {
	st, err := decodeState(u)
	if err != nil {
		return nil, ""
	}
	return st.MFA.Enabled, st.MFA.Preferred
}

// secondFactors are the factors a sign-in may ask this user for: those the
// user turned on that the pool offers, and, when the pool requires MFA and
// the user turned none on, those the user can use (a verified software
// token, a verified phone number or email address).
func (p *pool) secondFactors(u store.User, st userState) []string {
	var on []string
	for _, f := range p.mfaFactors() {
		if slices.Contains(st.MFA.Enabled, f) {
			on = append(on, f)
		}
	}
	if len(on) > 0 || p.Config.MfaConfiguration != mfaOn {
		return on
	}
	for _, f := range p.mfaFactors() {
		usable := map[string]bool{
			factorTOTP:  st.MFA.TOTP,
			factorSMS:   u.Attributes["phone_number_verified"] == "true",
			factorEmail: u.Attributes["email_verified"] == "true",
		}[f]
		if usable {
			on = append(on, f)
		}
	}
	return on
}

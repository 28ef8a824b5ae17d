package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// Settings whose feature moat lacks are refused, naming the feature, and
// change nothing; the ones that take effect are accepted.
func TestUnbuiltSettingsRefused(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	two := 2
	for name, cfg := range map[string]PoolConfig{
		"verification codes by SMS": {SmsVerificationMessage: "Your code: {####}"},
		"Amazon SES":                {EmailConfiguration: map[string]any{"EmailSendingAccount": "DEVELOPER"}},
		"threat protection":         {UserPoolAddOns: map[string]any{"AdvancedSecurityMode": "ENFORCED"}},
		"password history":          {Policies: &PoolPolicies{PasswordPolicy: &PasswordPolicy{PasswordHistorySize: &two}}},
		"verified email":            {AccountRecoverySetting: map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_phone_number", "Priority": 1.0}}}},
		"confirmation by link":      {VerificationMessageTemplate: &VerificationMessage{DefaultEmailOption: "CONFIRM_WITH_LINK"}},
	} {
		_, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: cfg})
		if e, ok := awserr.As(err); !ok || e.Code != awserr.InvalidParameter || !strings.Contains(e.Message, name) || !strings.Contains(e.Message, "not supported") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if pools, _ := s.ListUserPools(ctx, &ListUserPoolsInput{MaxResults: 60}); len(pools.UserPools) != 0 {
		t.Fatalf("refused pools were stored: %+v", pools.UserPools)
	}
	pool, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{MfaConfiguration: "OFF",
		EmailConfiguration: map[string]any{"EmailSendingAccount": "COGNITO_DEFAULT"}, UserPoolAddOns: map[string]any{"AdvancedSecurityMode": "OFF"},
		AccountRecoverySetting: map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_email", "Priority": 1.0}}}}})
	if err != nil {
		t.Fatalf("settings that take effect: %v", err)
	}
	for name, cfg := range map[string]ClientConfig{
		"Pinpoint":          {AnalyticsConfiguration: map[string]any{"ApplicationId": "x"}},
		"threat protection": {EnablePropagateAdditionalUserContextData: boolPtr(true)},
	} {
		_, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "c", ClientConfig: cfg})
		if e, ok := awserr.As(err); !ok || e.Code != awserr.InvalidParameter || !strings.Contains(e.Message, name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "c",
		ClientConfig: ClientConfig{SupportedIdentityProviders: []string{"COGNITO"}}}); err != nil {
		t.Fatalf("SupportedIdentityProviders [COGNITO], what moat does: %v", err)
	}
}

// A pool created with only a name describes itself as AWS's does, ARN in
// the configured account.
func TestPoolDefaults(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	s.account = "123456789012"
	out, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	p := out.UserPool
	want := VerificationMessage{SmsMessage: "Your verification code is {####}. ", EmailMessage: "Your verification code is {####}. ",
		EmailSubject: "Your verification code", DefaultEmailOption: "CONFIRM_WITH_CODE"}
	if p.EmailConfiguration["EmailSendingAccount"] != "COGNITO_DEFAULT" || p.VerificationMessageTemplate == nil || *p.VerificationMessageTemplate != want ||
		p.MfaConfiguration != "OFF" || p.Arn != "arn:aws:cognito-idp:us-east-1:123456789012:userpool/"+p.Id {
		t.Fatalf("defaults: %+v", p)
	}
	// What DescribeUserPool gave goes back through UpdateUserPool unchanged.
	if _, err := s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: p.Id, PoolConfig: p.PoolConfig}); err != nil {
		t.Fatalf("UpdateUserPool with DescribeUserPool's answer: %v", err)
	}
}

package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool/signin"
)

const testKeyARN = "arn:aws:kms:us-east-1:000000000000:key/k"

// Custom senders are stored with their KMS key, which Cognito requires,
// and checked as Cognito checks them.
func TestCustomSendersAreStoredAndChecked(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	sender := func(arn, version string) *signin.VersionedLambda {
		return &signin.VersionedLambda{LambdaArn: arn, LambdaVersion: version}
	}
	created, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{LambdaConfig: &signin.LambdaConfig{
		CustomEmailSender: sender(testFunctionARN, "V1_0"), CustomSMSSender: sender(testFunctionARN+"2", "V1_0"), KMSKeyID: testKeyARN}}})
	if err != nil {
		t.Fatal(err)
	}
	desc, err := s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: created.UserPool.Id})
	if err != nil {
		t.Fatal(err)
	}
	if c := desc.UserPool.LambdaConfig; c == nil || c.KMSKeyID != testKeyARN || *c.CustomEmailSender != *sender(testFunctionARN, "V1_0") ||
		*c.CustomSMSSender != *sender(testFunctionARN+"2", "V1_0") {
		t.Fatalf("DescribeUserPool LambdaConfig %+v", c)
	}
	for name, c := range map[string]struct {
		config *signin.LambdaConfig
		want   string
	}{
		"no key":      {&signin.LambdaConfig{CustomEmailSender: sender(testFunctionARN, "V1_0")}, "KMSKeyID must be set"},
		"bad version": {&signin.LambdaConfig{CustomSMSSender: sender(testFunctionARN, "V2_0"), KMSKeyID: testKeyARN}, "'lambdaConfig.customSMSSender.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0]"},
		"bad ARN":     {&signin.LambdaConfig{CustomEmailSender: sender("not-an-arn-but-long-enough", "V1_0"), KMSKeyID: testKeyARN}, "'lambdaConfig.customEmailSender.lambdaArn' failed to satisfy constraint"},
		"bad key":     {&signin.LambdaConfig{CustomEmailSender: sender(testFunctionARN, "V1_0"), KMSKeyID: "alias/not-an-arn-at-all"}, "'lambdaConfig.kMSKeyID' failed to satisfy constraint"},
	} {
		_, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{LambdaConfig: c.config}})
		if err == nil || !strings.HasPrefix(err.Error(), "InvalidParameterException: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want InvalidParameterException with %q", name, err, c.want)
		}
	}
}

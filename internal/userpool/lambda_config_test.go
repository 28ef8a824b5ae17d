package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/userpool/signin"
)

const testFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:f"

// LambdaConfig is stored and described as Cognito fills it in, replaced
// whole by UpdateUserPool, and refused, with nothing stored, when it names
// something moat does not run.
func TestLambdaConfigIsStoredAndChecked(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	created, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{LambdaConfig: &signin.LambdaConfig{
		PreSignUp: testFunctionARN, PreTokenGeneration: testFunctionARN}}})
	if err != nil {
		t.Fatal(err)
	}
	got := created.UserPool.LambdaConfig
	if got == nil || got.PreSignUp != testFunctionARN || got.PreTokenGenerationConfig == nil ||
		*got.PreTokenGenerationConfig != (signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V1_0"}) {
		t.Fatalf("CreateUserPool LambdaConfig %+v", got)
	}
	id := created.UserPool.Id
	update := func(c *signin.LambdaConfig) error {
		_, err := s.UpdateUserPool(ctx, &UpdateUserPoolInput{UserPoolId: id, PoolConfig: PoolConfig{LambdaConfig: c}})
		return err
	}
	if err := update(&signin.LambdaConfig{PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V2_0"}}); err != nil {
		t.Fatal(err)
	}
	desc, err := s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		t.Fatal(err)
	}
	if c := desc.UserPool.LambdaConfig; c == nil || c.PreSignUp != "" || c.PreTokenGeneration != testFunctionARN || c.PreTokenGenerationConfig.LambdaVersion != "V2_0" {
		t.Fatalf("UpdateUserPool must replace LambdaConfig: %+v", c)
	}
	for name, c := range map[string]*signin.LambdaConfig{
		"bad ARN":        {PreSignUp: "function:not-an-arn-but-long"},
		"short ARN":      {PostConfirmation: "arn:aws:l"},
		"bad version":    {PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V9_0"}},
		"two functions":  {PreTokenGeneration: testFunctionARN, PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN + "2", LambdaVersion: "V2_0"}},
		"federation V2":  {InboundFederation: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V2_0"}},
		"federation ARN": {InboundFederation: &signin.VersionedLambda{LambdaArn: "not-an-arn-but-long-enough", LambdaVersion: "V1_0"}},
	} {
		err := update(c)
		if err == nil || !strings.HasPrefix(err.Error(), "InvalidParameterException: ") {
			t.Errorf("%s: %v, want InvalidParameterException", name, err)
		}
	}
	desc, _ = s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: id})
	if desc.UserPool.LambdaConfig.PreTokenGenerationConfig.LambdaVersion != "V2_0" {
		t.Errorf("a refused update changed the pool: %+v", desc.UserPool.LambdaConfig)
	}
	federation := &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V1_0"}
	if err := update(&signin.LambdaConfig{InboundFederation: federation}); err != nil {
		t.Fatalf("InboundFederation V1_0: %v", err)
	}
	desc, _ = s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: id})
	if c := desc.UserPool.LambdaConfig; c == nil || c.InboundFederation == nil || *c.InboundFederation != *federation {
		t.Errorf("InboundFederation as described: %+v", c)
	}
	if err := update(&signin.LambdaConfig{PreTokenGenerationConfig: &signin.VersionedLambda{LambdaArn: testFunctionARN, LambdaVersion: "V3_0"}}); err != nil {
		t.Fatalf("V3_0: %v", err)
	}
	desc, _ = s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: id})
	if c := desc.UserPool.LambdaConfig; c.PreTokenGeneration != testFunctionARN || c.PreTokenGenerationConfig.LambdaVersion != "V3_0" {
		t.Errorf("V3_0 as described: %+v", c)
	}
}

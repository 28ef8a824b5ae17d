package functions

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

const (
	gatewayPrincipal = "apigateway.amazonaws.com"
	ordersMethod     = "arn:aws:execute-api:us-east-1:000000000000:a1b2c3/prod/GET/orders"
)

// AddPermission's statements decide which services, from which source
// ARNs, may invoke the function; a refused invoke runs nothing.
func TestPermissionsAreEnforced(t *testing.T) {
	r, _ := newTestRuntime(t, nil)
	ctx := context.Background()
	pythonFunction(t, r, "orders", echoPython, Definition{})
	invoke := func(principal, sourceARN string) error {
		_, _, err := r.InvokeFunction(ctx, principal, "orders", sourceARN, []byte(`{}`))
		return err
	}
	refused := func(principal, sourceARN string) {
		t.Helper()
		err := invoke(principal, sourceARN)
		e, ok := awserr.As(err)
		if !ok || e.Code != codeAccessDenied || e.Status != 403 || !strings.Contains(e.Message, principal) {
			t.Fatalf("%s from %s: %v; want AccessDeniedException", principal, sourceARN, err)
		}
	}

	if _, err := r.AddPermission(ctx, "orders", Permission{StatementID: "gateway", Action: "lambda:InvokeFunction",
		Principal: gatewayPrincipal, SourceARN: "arn:aws:execute-api:us-east-1:000000000000:a1b2c3/*/GET/orders"}); err != nil {
		t.Fatal(err)
	}
	refused(gatewayPrincipal, "arn:aws:execute-api:us-east-1:000000000000:zzzzzz/prod/GET/orders") // another API
	refused(gatewayPrincipal, "arn:aws:execute-api:us-east-1:000000000000:a1b2c3/prod/POST/orders")
	refused("cognito-idp.amazonaws.com", ordersMethod)
	r.mu.Lock()
	started := len(r.pools)
	r.mu.Unlock()
	if started != 0 {
		t.Fatal("a refused invoke reached the function's pool")
	}
	if err := invoke(gatewayPrincipal, ordersMethod); err != nil {
		t.Fatalf("the permitted source: %v", err)
	}

	if _, err := r.AddPermission(ctx, "orders", Permission{StatementID: "gateway", Action: "lambda:InvokeFunction", Principal: gatewayPrincipal}); err == nil {
		t.Fatal("a statement id used twice was accepted")
	}
	if _, err := r.AddPermission(ctx, "orders", Permission{StatementID: "pool", Action: "lambda:InvokeFunction",
		Principal: "cognito-idp.amazonaws.com", SourceAccount: "111111111111"}); err != nil {
		t.Fatal(err)
	}
	refused("cognito-idp.amazonaws.com", "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc") // moat's account is not 111111111111

	policy, _, err := r.GetPolicy(ctx, "orders")
	if err != nil || !strings.Contains(policy, `"Sid":"gateway"`) || !strings.Contains(policy, `"AWS:SourceArn":"arn:aws:execute-api:us-east-1:000000000000:a1b2c3/*/GET/orders"`) {
		t.Fatalf("GetPolicy: %v %s", err, policy)
	}
	if err := r.RemovePermission(ctx, "orders", "gateway", "", ""); err != nil {
		t.Fatal(err)
	}
	refused(gatewayPrincipal, ordersMethod) // the remaining statement is cognito's
	if err := r.RemovePermission(ctx, "orders", "gateway", "", ""); err == nil {
		t.Fatal("removing a statement twice succeeded")
	}
}

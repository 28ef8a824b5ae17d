package functions

import (
	"context"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// A service's Event invocation (a user pool's custom sender) is admitted
// by the function's AddPermission statements, as its synchronous one is.
func TestServiceEventInvocationsAreAuthorized(t *testing.T) {
	r, _ := newTestRuntime(t, nil)
	ctx := context.Background()
	pythonFunction(t, r, "sender", echoPython, Definition{})
	const pool = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"
	if _, err := r.AddPermission(ctx, "sender", Permission{StatementID: "pool", Action: "lambda:InvokeFunction",
		Principal: "cognito-idp.amazonaws.com", SourceARN: pool}); err != nil {
		t.Fatal(err)
	}
	_, err := r.InvokeFunctionAsync(ctx, "cognito-idp.amazonaws.com", "sender", pool+"other", []byte(`{}`))
	if e, ok := awserr.As(err); !ok || e.Code != codeAccessDenied {
		t.Fatalf("another pool's event: %v; want AccessDeniedException", err)
	}
	if id, err := r.InvokeFunctionAsync(ctx, "cognito-idp.amazonaws.com", "sender", pool, []byte(`{}`)); err != nil || id == "" {
		t.Fatalf("the permitted pool's event: %q, %v", id, err)
	}
	if _, err := r.InvokeFunctionAsync(ctx, "cognito-idp.amazonaws.com", "missing", pool, []byte(`{}`)); err == nil {
		t.Fatal("an event for a missing function was queued")
	}
}

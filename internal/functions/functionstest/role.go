package functionstest

import (
	"context"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// RoleARN is the execution role ExecutionRole stores.
const RoleARN = "arn:aws:iam::000000000000:role/lambda-exec"

// ExecutionRole stores the role test functions run as (RoleARN), which a
// function's creation requires to exist.
func ExecutionRole(t testing.TB, st store.Store) {
	t.Helper()
	if err := st.CreateRole(context.Background(), store.Role{Name: "lambda-exec", ID: "AROAAAAAAAAAAAAAAAAAA", ARN: RoleARN, Path: "/",
		AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[]}`, MaxSessionDuration: 3600, CreatedAt: time.Now().Unix()}); err != nil {
		t.Fatal(err)
	}
}

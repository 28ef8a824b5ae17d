package userpool

import (
	"context"
	"slices"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// TestExplicitAuthFlowsTable checks every kind of ExplicitAuthFlows list
// against the flows AWS documents it allows.
func TestExplicitAuthFlowsTable(t *testing.T) {
	const srp, pw, admin, custom, refresh = "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"
	all := []string{srp, pw, admin, custom, refresh}
	for _, c := range []struct {
		list, allowed []string
	}{
		{nil, []string{srp, custom, refresh}},
		{[]string{"ADMIN_NO_SRP_AUTH"}, []string{srp, admin, refresh}},
		{[]string{"USER_PASSWORD_AUTH"}, []string{srp, pw, refresh}},
		{[]string{"CUSTOM_AUTH_FLOW_ONLY"}, []string{srp, custom, refresh}},
		{[]string{"ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}, []string{srp, pw, admin, custom, refresh}},
		{[]string{pw}, []string{pw}},
		{[]string{srp}, []string{srp}},
		{[]string{admin, refresh}, []string{admin, refresh}},
		{[]string{custom}, []string{custom}},
		{all, all},
	} {
		cl := client{Config: ClientConfig{ExplicitAuthFlows: c.list}}
		for _, flow := range all {
			if got, want := cl.allowsFlow(flow), slices.Contains(c.allowed, flow); got != want {
				t.Errorf("ExplicitAuthFlows %v: %s allowed = %v, want %v", c.list, flow, got, want)
			}
		}
	}
}

func TestExplicitAuthFlowsStoredAsGiven(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := newTestPool(t, s)
	create := func(flows ...string) (*UserPoolClientOutput, error) {
		return s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "c", ClientConfig: ClientConfig{ExplicitAuthFlows: flows}})
	}
	legacy, err := create("ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH")
	if err != nil || !slices.Equal(legacy.UserPoolClient.ExplicitAuthFlows, []string{"ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"}) {
		t.Fatalf("legacy values come back as sent: %+v %v", legacy, err)
	}
	_, err = create("USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH")
	wantCode(t, err, awserr.InvalidParameter, "ExplicitAuthFlows cannot mix the legacy values ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY and USER_PASSWORD_AUTH with values that begin with ALLOW_.")
	if choice, err := create("ALLOW_USER_AUTH"); err != nil || !slices.Equal(choice.UserPoolClient.ExplicitAuthFlows, []string{"ALLOW_USER_AUTH"}) {
		t.Fatalf("ALLOW_USER_AUTH: %+v %v", choice, err)
	}
}

package awsapi

import (
	"context"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moat-dev/moat/internal/awserr"
)

func TestHasEscapedNUL(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a":"x\u0000y"}`:   true,
		`{"a":"\u0000"}`:     true,
		`{"a":"x\\u0000y"}`:  false, // an escaped backslash, then the text u0000
		`{"a":"x\\\u0000y"}`: true,
		`{"a":"\u00001"}`:    true,
		`{"a":"\u0001"}`:     false,
		`{"a":"plain"}`:      false,
		`{"a":"trailing\\"}`: false,
	} {
		if got := hasEscapedNUL([]byte(body)); got != want {
			t.Errorf("hasEscapedNUL(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestNULIsRefused(t *testing.T) {
	type req struct{ Name string }
	var got req
	err := decodeJSON([]byte(`{"Name":"a\u0000b"}`), &got)
	if e, ok := awserr.As(err); !ok || e.Code != awserr.InvalidParameter {
		t.Fatalf("decode of a NUL string: %v", err)
	}
}

// A service whose ValidationCode is ValidationException (Cognito Identity)
// answers the NUL constraint with it; the default stays InvalidParameterException.
func TestNULAnswersTheServiceValidationCode(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", `{"Name":"a\u0000b"}`), 400, awserr.InvalidParameter)
	validating := Service{TargetPrefix: "TestService", SigningName: "test-svc", ValidationCode: "ValidationException",
		Operations: []Operation{Op("Echo", false, func(context.Context, *echoReq) (*echoResp, error) { return &echoResp{}, nil })}}
	f.handler = NewFrame(Config{Logger: slog.New(slog.NewJSONHandler(f.logs, nil)), Metrics: NewMetrics(prometheus.NewRegistry())}).JSON(validating, nil)
	wantError(t, f.do(t, "POST", "TestService.Echo", "application/x-amz-json-1.1", `{"Name":"a\u0000b"}`), 400, "ValidationException")
}

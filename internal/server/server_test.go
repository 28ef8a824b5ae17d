package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/tokens"
	"github.com/prometheus/client_golang/prometheus"
)

const testRegion = "eu-west-1"

var testAdmin = admin.Credentials{AccessKeyID: "AKIAMOATSERVERTEST01", SecretAccessKey: "c2VydmVyLXRlc3Qtc2VjcmV0LXNlcnZlci10ZXN0"}

// cognitoStandIn answers two Cognito operations the way the real service
// table will: one signed admin call and one public call.
func cognitoStandIn() awsapi.Service {
	type listReq struct{ MaxResults int32 }
	type listResp struct{ UserPools []any }
	type signUpReq struct{ ClientId, Username, Password string }
	return awsapi.Service{
		TargetPrefix: "AWSCognitoIdentityProviderService",
		SigningName:  "cognito-idp",
		Operations: []awsapi.Operation{
			awsapi.Op("ListUserPools", true, func(context.Context, *listReq) (*listResp, error) {
				return &listResp{UserPools: []any{}}, nil
			}),
			awsapi.Op("SignUp", false, func(_ context.Context, req *signUpReq) (*struct{}, error) {
				return nil, awserr.New(awserr.UsernameExists, "User already exists")
			}),
		},
	}
}

type running struct {
	identity, gateway string // base URLs
	store             store.Store
	stop              func() error
}

func start(t *testing.T) *running {
	t.Helper()
	st := sqlstoretest.Open(t)
	registry := prometheus.NewRegistry()
	logger := slog.New(slog.DiscardHandler)
	frame := awsapi.NewFrame(awsapi.Config{Logger: logger, Metrics: awsapi.NewMetrics(registry)})
	s, err := Listen(Config{
		IdentityAddr: "127.0.0.1:0",
		GatewayAddr:  "127.0.0.1:0",
		Store:        st,
		Mounts:       []Mount{frame.JSON(cognitoStandIn(), admin.NewAuthenticator(testAdmin, testRegion))},
		Unclaimed:    frame.Unclaimed(),
		Tokens:       tokens.NewService(st, "http://127.0.0.1").Handler(),
		Registry:     registry,
		Logger:       logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	var once bool
	stop := func() error {
		if once {
			return nil
		}
		once = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			return errors.New("server did not stop within 5s")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return &running{"http://" + s.IdentityAddr().String(), "http://" + s.GatewayAddr().String(), st, stop}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func cognitoClient(r *running, creds admin.Credentials) *cognitoidentityprovider.Client {
	return cognitoidentityprovider.New(cognitoidentityprovider.Options{
		Region:           testRegion,
		BaseEndpoint:     aws.String(r.identity),
		Credentials:      credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

func TestAWSSDKTalksToTheIdentityListener(t *testing.T) {
	r := start(t)
	ctx := context.Background()
	if _, err := cognitoClient(r, testAdmin).ListUserPools(ctx, &cognitoidentityprovider.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatalf("signed admin call: %v", err)
	}

	wrong := admin.Credentials{AccessKeyID: testAdmin.AccessKeyID, SecretAccessKey: "wrong-secret-wrong-secret-wrong-secret-0"}
	_, err := cognitoClient(r, wrong).ListUserPools(ctx, &cognitoidentityprovider.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != awserr.InvalidSignature {
		t.Fatalf("wrong secret: got %v, want %s", err, awserr.InvalidSignature)
	}

	_, err = cognitoClient(r, testAdmin).SignUp(ctx, &cognitoidentityprovider.SignUpInput{
		ClientId: aws.String("client"), Username: aws.String("ada"), Password: aws.String("Passw0rd!"),
	})
	var exists *types.UsernameExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "User already exists" {
		t.Fatalf("public call error: got %v, want a typed UsernameExistsException", err)
	}
}

func TestHealthzFollowsTheStore(t *testing.T) {
	r := start(t)
	for _, base := range []string{r.identity, r.gateway} {
		resp, body := get(t, base+"/healthz")
		if resp.StatusCode != 200 || body != `{"status":"ok"}` {
			t.Errorf("%s/healthz: %d %s", base, resp.StatusCode, body)
		}
	}
	r.store.Close()
	if resp, body := get(t, r.identity+"/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz with a closed store: %d %s", resp.StatusCode, body)
	}
}

func TestMetricsExposeGoProcessAndRequests(t *testing.T) {
	r := start(t)
	req, _ := http.NewRequest("POST", r.identity+"/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.SignUp")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, body := get(t, r.identity+"/metrics")
	for _, want := range []string{
		"go_goroutines",
		"process_cpu_seconds_total",
		`moat_aws_requests_total{operation="SignUp",service="cognito-idp",status="400"} 1`,
		`moat_aws_errors_total{code="UsernameExistsException",operation="SignUp",service="cognito-idp"} 1`,
		`moat_aws_request_duration_seconds_count{operation="SignUp",service="cognito-idp"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestCORS(t *testing.T) {
	r := start(t)
	req, _ := http.NewRequest(http.MethodOptions, r.identity+"/", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("preflight status %d", resp.StatusCode)
	}
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || h.Get("Access-Control-Max-Age") == "" {
		t.Errorf("preflight headers: %v", h)
	}
	for _, name := range []string{"content-type", "x-amz-target", "x-amz-user-agent", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id", "amz-sdk-request", "cache-control"} {
		if !strings.Contains(h.Get("Access-Control-Allow-Headers"), name) {
			t.Errorf("Access-Control-Allow-Headers lacks %s", name)
		}
	}

	post, _ := http.NewRequest("POST", r.identity+"/", strings.NewReader(`{}`))
	post.Header.Set("Origin", "https://app.example")
	post.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.SignUp")
	post.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err = http.DefaultClient.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "x-amzn-ErrorType") {
		t.Errorf("actual request lacks CORS headers: %v", resp.Header)
	}
}

func TestUnclaimedPaths(t *testing.T) {
	r := start(t)
	resp, body := get(t, r.gateway+"/anything/at/all")
	if resp.StatusCode != 404 || body != `{"message":"Not Found"}` {
		t.Errorf("gateway: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, r.identity+"/nothing-here")
	if resp.StatusCode != 404 || resp.Header.Get("x-amzn-ErrorType") != awserr.UnknownOperation {
		t.Errorf("identity fallback: %d %s", resp.StatusCode, body)
	}
	// The tokens handler, not the fallback, answers well-known paths.
	resp, body = get(t, r.identity+"/eu-west-1_nopool/.well-known/jwks.json")
	if resp.Header.Get("x-amzn-ErrorType") == awserr.UnknownOperation || !json.Valid([]byte(body)) {
		t.Errorf("well-known path not served by tokens: %d %s", resp.StatusCode, body)
	}
}

func TestGracefulStop(t *testing.T) {
	r := start(t)
	begun := time.Now()
	if err := r.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if took := time.Since(begun); took > 2*time.Second {
		t.Errorf("idle server took %v to stop", took)
	}
	if _, err := http.Get(r.identity + "/healthz"); err == nil {
		t.Error("identity listener still answers after stop")
	}
}

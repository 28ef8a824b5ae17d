package apigatewayapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/moat-dev/moat/internal/awsapi/awsapitest"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/usage"
)

type server struct {
	t   *testing.T
	url string
	svc *usage.Service
}

func newServer(t *testing.T) *server {
	t.Helper()
	st := sqlstoretest.Open(t)
	svc, err := usage.New(usage.Config{Store: st, Limiter: usage.NewMemoryLimiter(100, time.Now), Secret: bytes.Repeat([]byte("s"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	api := New(Config{Store: st, Usage: svc, KnownStage: func(apiID, stage string) bool { return apiID == "api1" }})
	auth := awsapitest.AdminAuthenticator("us-east-1")
	return &server{t: t, url: awsapitest.Serve(t, awsapitest.QuietFrame().REST(api, auth)), svc: svc}
}

// do sends a request signed as the apigateway service and decodes the answer.
func (s *server) do(method, path string, body any, creds aws.Credentials) (int, http.Header, map[string]any) {
	s.t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	a := awsapitest.CallREST(s.t, s.url, method, path, raw, creds, "apigateway")
	return a.Status, a.Header, a.Object(s.t)
}

func (s *server) admin(method, path string, body any) (int, http.Header, map[string]any) {
	return s.do(method, path, body, awsapitest.Admin)
}

// mustStatus checks a status and, for errors, the x-amzn-ErrorType and message shape.
func (s *server) mustStatus(method, path string, body any, want int, wantType string) map[string]any {
	s.t.Helper()
	status, h, out := s.admin(method, path, body)
	if status != want {
		s.t.Fatalf("%s %s = %d %v, want %d", method, path, status, out, want)
	}
	if wantType != "" {
		if got := h.Get("X-Amzn-Errortype"); got != wantType {
			s.t.Fatalf("%s %s: x-amzn-ErrorType %q, want %q", method, path, got, wantType)
		}
		if msg, _ := out["message"].(string); msg == "" {
			s.t.Fatalf("%s %s: error without message: %v", method, path, out)
		}
	}
	if h.Get("X-Amzn-Requestid") == "" {
		s.t.Fatalf("%s %s: no x-amzn-RequestId", method, path)
	}
	return out
}

func TestAPIKeyLifecycle(t *testing.T) {
	s := newServer(t)
	k := s.mustStatus("POST", "/apikeys", map[string]any{"name": "partner", "enabled": true, "customerId": "c1"}, 201, "")
	id, value := k["id"].(string), k["value"].(string)
	if id == "" || len(value) < 30 || k["enabled"] != true || k["customerId"] != "c1" {
		t.Fatalf("created %v", k)
	}
	if _, ok := k["createdDate"].(float64); !ok {
		t.Fatalf("createdDate %v is not epoch seconds", k["createdDate"])
	}
	got := s.mustStatus("GET", "/apikeys/"+id, nil, 200, "")
	if _, has := got["value"]; has {
		t.Fatalf("GetApiKey without includeValue returned the value")
	}
	got = s.mustStatus("GET", "/apikeys/"+id+"?includeValue=true", nil, 200, "")
	if got["value"] != value {
		t.Fatalf("includeValue gave %v", got["value"])
	}
	upd := s.mustStatus("PATCH", "/apikeys/"+id, map[string]any{"patchOperations": []map[string]string{
		{"op": "replace", "path": "/enabled", "value": "false"}, {"op": "replace", "path": "/name", "value": "renamed"}}}, 200, "")
	if upd["enabled"] != false || upd["name"] != "renamed" {
		t.Fatalf("updated %v", upd)
	}
	s.mustStatus("PATCH", "/apikeys/"+id, map[string]any{"patchOperations": []map[string]string{{"op": "replace", "path": "/value", "value": "x"}}}, 400, "BadRequestException")
	s.mustStatus("PATCH", "/apikeys/"+id, map[string]any{"patchOperations": []map[string]string{{"op": "replace", "path": "/enabled", "value": "maybe"}}}, 400, "BadRequestException")
	list := s.mustStatus("GET", "/apikeys?includeValues=true", nil, 200, "")
	items := list["item"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["value"] != value {
		t.Fatalf("GetApiKeys %v", list)
	}
	s.mustStatus("POST", "/apikeys", map[string]any{"name": "dup", "value": value}, 409, "ConflictException")
	s.mustStatus("POST", "/apikeys", map[string]any{"name": "short", "value": "abc"}, 400, "BadRequestException")
	s.mustStatus("POST", "/apikeys", "not an object", 400, "BadRequestException")
	s.mustStatus("DELETE", "/apikeys/"+id, nil, 202, "")
	s.mustStatus("GET", "/apikeys/"+id, nil, 404, "NotFoundException")
	s.mustStatus("DELETE", "/apikeys/"+id, nil, 404, "NotFoundException")
}

func TestPaging(t *testing.T) {
	s := newServer(t)
	for range 3 {
		s.mustStatus("POST", "/apikeys", map[string]any{"name": "k"}, 201, "")
	}
	first := s.mustStatus("GET", "/apikeys?limit=2", nil, 200, "")
	pos, _ := first["position"].(string)
	if len(first["item"].([]any)) != 2 || pos == "" {
		t.Fatalf("first page %v", first)
	}
	second := s.mustStatus("GET", "/apikeys?limit=2&position="+pos, nil, 200, "")
	if len(second["item"].([]any)) != 1 || second["position"] != nil {
		t.Fatalf("second page %v", second)
	}
	s.mustStatus("GET", "/apikeys?limit=0", nil, 400, "BadRequestException")
}

func TestUsagePlanLifecycle(t *testing.T) {
	s := newServer(t)
	p := s.mustStatus("POST", "/usageplans", map[string]any{"name": "gold",
		"apiStages": []map[string]any{{"apiId": "api1", "stage": "prod", "throttle": map[string]any{"/pets/GET": map[string]any{"rateLimit": 1, "burstLimit": 2}}}},
		"throttle":  map[string]any{"rateLimit": 5, "burstLimit": 5},
		"quota":     map[string]any{"limit": 20, "period": "DAY"}}, 201, "")
	id := p["id"].(string)
	stages := p["apiStages"].([]any)
	if len(stages) != 1 || p["quota"].(map[string]any)["limit"] != float64(20) {
		t.Fatalf("created %v", p)
	}
	if th := stages[0].(map[string]any)["throttle"].(map[string]any)["/pets/GET"].(map[string]any); th["burstLimit"] != float64(2) {
		t.Fatalf("method throttle %v", th)
	}
	ops := []map[string]string{
		{"op": "replace", "path": "/throttle/rateLimit", "value": "10"},
		{"op": "replace", "path": "/quota/limit", "value": "100"},
		{"op": "replace", "path": "/quota/period", "value": "WEEK"},
		{"op": "add", "path": "/apiStages", "value": "api1:beta"},
		{"op": "replace", "path": "/apiStages/api1:prod/throttle/~1pets~1{id}/GET/rateLimit", "value": "3"},
		{"op": "remove", "path": "/apiStages/api1:prod/throttle/~1pets/GET"},
		{"op": "replace", "path": "/description", "value": "better"},
	}
	u := s.mustStatus("PATCH", "/usageplans/"+id, map[string]any{"patchOperations": ops}, 200, "")
	if u["throttle"].(map[string]any)["rateLimit"] != float64(10) || u["quota"].(map[string]any)["period"] != "WEEK" || u["description"] != "better" {
		t.Fatalf("updated %v", u)
	}
	stages = u["apiStages"].([]any)
	if len(stages) != 2 {
		t.Fatalf("stages %v", stages)
	}
	prod := stages[1].(map[string]any)
	th := prod["throttle"].(map[string]any)
	if _, gone := th["/pets/GET"]; gone || th["/pets/{id}/GET"].(map[string]any)["rateLimit"] != float64(3) {
		t.Fatalf("prod stage %v", prod)
	}
	for _, bad := range []map[string]string{
		{"op": "replace", "path": "/quota/period", "value": "YEAR"},
		{"op": "replace", "path": "/throttle/rateLimit", "value": "fast"},
		{"op": "add", "path": "/apiStages", "value": "nocolon"},
		{"op": "add", "path": "/apiStages", "value": "other:prod"},
		{"op": "move", "path": "/name", "value": "x"},
		{"op": "replace", "path": "/nope", "value": "x"},
	} {
		s.mustStatus("PATCH", "/usageplans/"+id, map[string]any{"patchOperations": []map[string]string{bad}}, 400, "BadRequestException")
	}
	s.mustStatus("PATCH", "/usageplans/"+id, map[string]any{"patchOperations": []map[string]string{{"op": "remove", "path": "/apiStages", "value": "api1:gamma"}}}, 404, "NotFoundException")
	if again := s.mustStatus("GET", "/usageplans/"+id, nil, 200, ""); again["quota"].(map[string]any)["period"] != "WEEK" {
		t.Fatalf("a refused patch changed the plan: %v", again)
	}
	s.mustStatus("POST", "/usageplans", map[string]any{"name": "x", "quota": map[string]any{"limit": 1, "period": "HOUR"}}, 400, "BadRequestException")
	s.mustStatus("POST", "/usageplans", map[string]any{"name": ""}, 400, "BadRequestException")
	if list := s.mustStatus("GET", "/usageplans", nil, 200, ""); len(list["item"].([]any)) != 1 {
		t.Fatalf("GetUsagePlans %v", list)
	}
	s.mustStatus("DELETE", "/usageplans/"+id, nil, 202, "")
	s.mustStatus("GET", "/usageplans/"+id, nil, 404, "NotFoundException")
}

func TestPlanKeysAndUsage(t *testing.T) {
	s := newServer(t)
	plan := s.mustStatus("POST", "/usageplans", map[string]any{"name": "p",
		"apiStages": []map[string]any{{"apiId": "api1", "stage": "prod"}}, "quota": map[string]any{"limit": 5, "period": "DAY"}}, 201, "")
	planID := plan["id"].(string)
	key := s.mustStatus("POST", "/apikeys", map[string]any{"name": "k", "enabled": true}, 201, "")
	keyID, value := key["id"].(string), key["value"].(string)

	s.mustStatus("POST", "/usageplans/"+planID+"/keys", map[string]any{"keyId": keyID, "keyType": "OTHER"}, 400, "BadRequestException")
	s.mustStatus("POST", "/usageplans/"+planID+"/keys", map[string]any{"keyId": "missing", "keyType": "API_KEY"}, 404, "NotFoundException")
	pk := s.mustStatus("POST", "/usageplans/"+planID+"/keys", map[string]any{"keyId": keyID, "keyType": "API_KEY"}, 201, "")
	if pk["id"] != keyID || pk["type"] != "API_KEY" || pk["value"] != value {
		t.Fatalf("usage plan key %v", pk)
	}
	s.mustStatus("POST", "/usageplans/"+planID+"/keys", map[string]any{"keyId": keyID, "keyType": "API_KEY"}, 409, "ConflictException")
	other := s.mustStatus("POST", "/usageplans", map[string]any{"name": "q", "apiStages": []map[string]any{{"apiId": "api1", "stage": "prod"}}}, 201, "")
	s.mustStatus("POST", "/usageplans/"+other["id"].(string)+"/keys", map[string]any{"keyId": keyID, "keyType": "API_KEY"}, 409, "ConflictException")
	if keys := s.mustStatus("GET", "/usageplans/"+planID+"/keys", nil, 200, ""); len(keys["item"].([]any)) != 1 {
		t.Fatalf("GetUsagePlanKeys %v", keys)
	}

	for range 3 {
		if _, err := s.svc.Check(context.Background(), usage.Request{APIID: "api1", Stage: "prod", Method: "GET", ResourcePath: "/", APIKey: value, KeyRequired: true}); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().UTC().Format(time.DateOnly)
	rep := s.mustStatus("GET", "/usageplans/"+planID+"/usage?keyId="+keyID+"&startDate="+today+"&endDate="+today, nil, 200, "")
	if got := rep["values"].(map[string]any)[keyID].([]any)[0].([]any); got[0] != float64(3) || got[1] != float64(2) {
		t.Fatalf("GetUsage %v", rep)
	}
	s.mustStatus("GET", "/usageplans/"+planID+"/usage?startDate=2026-13-01&endDate="+today, nil, 400, "BadRequestException")
	upd := s.mustStatus("PATCH", "/usageplans/"+planID+"/keys/"+keyID+"/usage",
		map[string]any{"patchOperations": []map[string]string{{"op": "replace", "path": "/remaining", "value": "5"}}}, 200, "")
	if got := upd["values"].(map[string]any)[keyID].([]any)[0].([]any); got[1] != float64(5) {
		t.Fatalf("UpdateUsage %v", upd)
	}
	s.mustStatus("PATCH", "/usageplans/"+planID+"/keys/"+keyID+"/usage",
		map[string]any{"patchOperations": []map[string]string{{"op": "replace", "path": "/remaining", "value": "-1"}}}, 400, "BadRequestException")
	s.mustStatus("DELETE", "/usageplans/"+planID+"/keys/"+keyID, nil, 202, "")
	s.mustStatus("DELETE", "/usageplans/"+planID+"/keys/"+keyID, nil, 404, "NotFoundException")
}

func TestUnsignedAndWrongCredentialsRefused(t *testing.T) {
	s := newServer(t)
	resp, err := http.Post(s.url+"/apikeys", "application/json", strings.NewReader(`{"name":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || resp.Header.Get("X-Amzn-Errortype") == "" {
		t.Fatalf("unsigned: %d %v", resp.StatusCode, resp.Header)
	}
	status, h, _ := s.do("GET", "/apikeys", nil, awsapitest.Stranger)
	if status != 403 || h.Get("X-Amzn-Errortype") == "" {
		t.Fatalf("wrong credentials: %d %v", status, h)
	}
	s.mustStatus("GET", "/usageplans/x/nothing", nil, 404, "NotFoundException")
}

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/testenv"
)

// usageAPIConfig is a REST API whose /items needs an API key and whose /open
// is throttled for everyone, to 2 at once and 1 a second.
const usageAPIConfig = `
apis:
  - name: usage-api
    id: usageapi01
    type: REST
    stages: [{name: prod}]
    routes:
      - method: GET
        path: /items
        apiKeyRequired: true
        integration: {type: mock, body: '{"ok":true}'}
      - method: GET
        path: /open
        throttle: {rateLimit: 1, burstLimit: 2}
        integration: {type: mock, body: open}
`

// TestBoto3UsagePlans sets up a key and a plan with boto3's apigateway
// client and checks the gateway enforces them, across a restart.
func TestBoto3UsagePlans(t *testing.T) {
	python := pythonWithBoto3(t)
	t.Parallel()
	m := startMoat(t, moatOptions{Config: usageAPIConfig})
	state := filepath.Join(t.TempDir(), "state.json")
	run := func(mode string) {
		runClientScript(t, []string{python, filepath.Join("clients", "python", "usage_plans.py"), mode}, "", append(m.adminEnv(),
			"MOAT_GATEWAY_URL="+m.GatewayURL,
			"MOAT_REGION="+m.Region,
			"MOAT_API_ID=usageapi01",
			"MOAT_STATE_FILE="+state,
		)...)
	}
	run("setup")
	var s struct{ Key, Value string }
	data, err := os.ReadFile(state)
	if err != nil || json.Unmarshal(data, &s) != nil {
		t.Fatalf("state file: %v %s", err, data)
	}
	assertLogNamesKeyNotValue(t, m, s.Key, s.Value)
	assertUsageMetrics(t, m, s.Key)
	m.Restart(t)
	run("after-restart")
}

func assertLogNamesKeyNotValue(t *testing.T, m *Moat, keyID, value string) {
	t.Helper()
	log := m.log.tail(100000)
	if !strings.Contains(log, `"apiKeyId":"`+keyID+`"`) || !strings.Contains(log, `"usagePlanId":"`) {
		t.Errorf("the access log does not name API key %s and its plan", keyID)
	}
	if strings.Contains(log, value) {
		t.Error("the log contains an API key value")
	}
}

func assertUsageMetrics(t *testing.T, m *Moat, keyID string) {
	t.Helper()
	body := m.metrics(t)
	for _, outcome := range []string{"allowed", "throttled", "over_quota"} {
		if !strings.Contains(body, `key="`+keyID+`",outcome="`+outcome+`"`) {
			t.Errorf("/metrics has no moat_usage_plan_requests_total for key %s, outcome %s", keyID, outcome)
		}
	}
}

func TestStageThrottleForKeylessCallers(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: usageAPIConfig})
	codes := make([]int, 3)
	for i := range codes {
		codes[i], _ = gatewayGet(t, m.GatewayURL+"/prod/open", "")
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Errorf("three quick keyless requests to a route throttled to burst 2: %v", codes)
	}
}

func gatewayGet(t *testing.T, url, key string) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body) // drained, so the connection is reused
	res.Body.Close()
	return res.StatusCode, res.Header
}

// Throttle under test: declared in the config file with its key, so it
// also checks that declarations apply (and apply again on a second start).
// Its burst holds a second of tokens, so a test stalled that long by a busy
// machine loses none.
const (
	throttleRate  = 50
	throttleBurst = 50
)

func declaredPlanConfig() string {
	return usageAPIConfig + fmt.Sprintf(`
apiKeys:
  - name: load
    valueFromEnv: MOAT_TEST_LOAD_KEY
usagePlans:
  - name: load-plan
    throttle: {rateLimit: %d, burstLimit: %d}
    apiStages: [{api: usage-api, stage: prod}]
    apiKeys: [load]
`, throttleRate, throttleBurst)
}

const loadKey = "LoadTestKey0123456789abcdefghij"

// overload sends paced requests with the key to the gateways in turn for d
// and returns how many were admitted and how long the admitting window was.
func overload(t *testing.T, gateways []string, d time.Duration) (allowed int64, window time.Duration) {
	t.Helper()
	const interval = 4 * time.Millisecond // 250 requests a second offered: 5× the rate
	var n atomic.Int64
	start := time.Now()
	var last time.Time
	for i := 0; time.Since(start) < d; i++ {
		last = time.Now()
		code, _ := gatewayGet(t, gateways[i%len(gateways)]+"/prod/items", loadKey)
		switch code {
		case 200:
			n.Add(1)
		case 429:
		default:
			t.Fatalf("request %d: status %d", i, code)
		}
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * interval)))
	}
	return n.Load(), last.Sub(start)
}

func checkThrottleAccuracy(t *testing.T, allowed int64, window time.Duration) {
	t.Helper()
	want := float64(throttleBurst) + throttleRate*window.Seconds()
	if diff := float64(allowed) - want; diff > 0.05*want || diff < -0.05*want {
		t.Errorf("over %.2fs of overload %d requests were admitted; a bucket of %d refilled at %d/s admits %.0f (±5%%)",
			window.Seconds(), allowed, throttleBurst, throttleRate, want)
	} else {
		t.Logf("%.2fs of overload: %d admitted, %.0f expected", window.Seconds(), allowed, want)
	}
}

// TestThrottlingAccuracy: over a steady overload the gateway admits the
// burst plus rate × time, within 5% (over 4 s: 200 tokens refilled, as many
// as 10 s at 20/s; an error of the bucket grows with the tokens).
func TestThrottlingAccuracy(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{Config: declaredPlanConfig(), Env: []string{"MOAT_TEST_LOAD_KEY=" + loadKey}})
	allowed, window := overload(t, []string{m.GatewayURL}, 4*time.Second)
	checkThrottleAccuracy(t, allowed, window)
}

// TestSharedThrottleAcrossProcesses: two moat processes on one PostgreSQL
// database and one Redis enforce one plan's limit together.
func TestSharedThrottleAcrossProcesses(t *testing.T) {
	t.Parallel()
	redisURL := testenv.RedisURL()
	_, masterKey := sealing.GenerateMasterKey() // replicas of one database share its master key
	opts := moatOptions{DatabaseURL: testenv.NewPostgresDatabase(t), Config: declaredPlanConfig(),
		Env: []string{"MOAT_TEST_LOAD_KEY=" + loadKey, "MOAT_REDIS_URL=" + redisURL, "MOAT_MASTER_KEY=" + masterKey}}
	a := startMoat(t, opts)
	b := startMoat(t, opts) // applies the same declarations again: nothing changes
	allowed, window := overload(t, []string{a.GatewayURL, b.GatewayURL}, 3*time.Second)
	checkThrottleAccuracy(t, allowed, window)
}

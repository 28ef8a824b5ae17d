package main

import (
	"bytes"
	"encoding/json"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// A problem in a section of the file is reported with its YAML key path,
// before anything is opened.
func TestSectionErrorsNameTheKey(t *testing.T) {
	const keys = "apiKeys: [{name: partner, valueFromEnv: PARTNER_KEY}]\n"
	cases := map[string]struct{ yaml, want string }{
		"negative rate": {keys + "usagePlans:\n  - {name: a}\n  - {name: b, throttle: {rateLimit: -1, burstLimit: 1}}\n",
			"usagePlans[1].throttle.rateLimit: Throttle rateLimit must be a number at least 0"},
		"typo in a section": {keys + "usagePlans: [{name: a, quota: {limt: 5, period: DAY}}]\n",
			"usagePlans[0].quota.limt: unknown key (did you mean limit?)"},
		"a number that is not": {"usagePlans: [{name: a, throttle: {rateLimit: fast}}]\n",
			`usagePlans[0].throttle.rateLimit: "fast" is not a number`},
		"method throttle": {"usagePlans: [{name: a, apiStages: [{api: shop, stage: prod, throttle: {\"/pets/GET\": {burstLimit: -2}}}]}]\n",
			`usagePlans[0].apiStages[0].throttle["/pets/GET"].burstLimit: Throttle burstLimit must be at least 0`},
		"undeclared key": {keys + "usagePlans: [{name: a, apiKeys: [partner, other]}]\n",
			`usagePlans[0].apiKeys[1]: "other" is not a key declared under apiKeys`},
		"key without a value": {"apiKeys: [{name: partner}]\n",
			"apiKeys[0]: set one of valueFromEnv or valueFromFile"},
		"role": {"roles: [{name: web, maxSessionDuration: 60, assumeRolePolicy: '{}'}]\n",
			"roles[0].maxSessionDuration: "},
		"user pool setting": {"userPools: [{name: shop, settings: {LambdaConfig: {PreSignUp: x}}}]\n",
			"userPools[0].settings: 1 validation error detected: Value 'x' at 'lambdaConfig.preSignUp' failed to satisfy constraint: Member must have length between 20 and 2048"},
		"pool named by an API": {"userPools: [{name: shop}]\napis: [{name: a, authorizers: [{name: p, type: COGNITO_USER_POOLS, userPools: [shopp]}], routes: []}]\n",
			"apis[0].authorizers[0].userPools[0]: ${userPool:shopp} names no user pool of userPools: (declared: shop)"},
		"client named by an identity pool": {"userPools: [{name: shop, clients: [{name: web}]}]\nidentityPools: [{name: shop, userPoolClients: [shop/app]}]\n",
			"identityPools[0].userPoolClients[0]: ${userPoolClient:shop/app} names no app client"},
		"function": {"functions: [{name: orders, role: 'arn:aws:iam::000000000000:role/x', code: build, url: 'http://10.0.0.5/invoke'}]\n",
			"functions[0]: give either code (a directory or a .zip) or url"},
		"pool in a trust policy": {"roles: [{name: web, assumeRolePolicy: {Statement: [{Effect: Allow, Principal: {Federated: cognito-identity.amazonaws.com}, Action: 'sts:AssumeRoleWithWebIdentity', Condition: {StringEquals: {'cognito-identity.amazonaws.com:aud': '${identityPool:shop}'}}}]}}]\n",
			"roles[0].assumeRolePolicy: ${identityPool:shop} names no identity pool of identityPools: (none is declared)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := load(t, []string{"--config", writeFile(t, c.yaml)}, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "config file ") {
				t.Fatalf("got %v\nwant an error about the config file containing %q", err, c.want)
			}
		})
	}
}

// Every problem in the file is reported at once.
func TestSectionErrorsAllReported(t *testing.T) {
	_, err := load(t, []string{"--config", writeFile(t, "usagePlans:\n  - {name: a, quota: {limit: -1, period: DAY}}\n  - {name: a}\n")}, nil)
	if err == nil || !strings.Contains(err.Error(), "usagePlans[0].quota.limit") || !strings.Contains(err.Error(), `usagePlans[1].name: "a" is declared twice`) {
		t.Fatalf("got %v, want both problems", err)
	}
}

// Packages that log through slog.Default (or the log package) write moat's
// JSON lines at moat's level.
func TestDefaultLoggerIsMoats(t *testing.T) {
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	var out bytes.Buffer
	useLogger("warn", &out)
	slog.Info("below the level")
	slog.Warn("from a package", "k", "v")
	log.Print("from the log package at info")
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &line); err != nil || line["msg"] != "from a package" || line["k"] != "v" {
		t.Fatalf("default logger wrote %q (%v), want one JSON line for the warning", out.String(), err)
	}
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

const (
	benchRegion   = "us-east-1"
	benchOrigin   = "https://app.example.com"
	benchPassword = "Bench-Passw0rd!"
)

// moatConfig serves the backend ten ways: /plain (no authorizer), /jwt
// (a JWT authorizer trusting the bench pool), /cors (the same plus CORS),
// /iam (an AWS_IAM authorizer, the bench role allowed to invoke it),
// /keyed/prod (a REST API: the JWT authorizer plus a required API key in a
// usage plan whose throttle is far above what the run can reach),
// /lambdaauth (a REQUEST authorizer, bench/authorizer, its answer cached),
// /wafrules/prod and /wafcrs/prod (plain proxies behind web ACLs, see
// waf.go), and /fn (a lambda_proxy to the bench's Go function,
// bench/function). moat logs at info, its default, so every gateway
// request writes its access-log line; %[5]s is the profile listener's
// setting when -profile asks for one.
const moatConfig = `log-level: info
%[5]sfunctions:
  - {name: bench-fn, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/bench-fn", code: function}
  - {name: bench-authorizer, runtime: provided.al2023, handler: bootstrap, role: "arn:aws:iam::000000000000:role/bench-fn", code: authorizer}
apis:
` + wafAPIs + `  - name: plain
    basePath: /plain
    routes:
      - {method: GET, path: "/items/{id}", integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: fn
    basePath: /fn
    routes:
      - {method: GET, path: "/items/{id}", integration: {type: lambda_proxy, function: bench-fn}}
  - name: lambdaauth
    basePath: /lambdaauth
    authorizers:
      - {name: fn, type: REQUEST, function: bench-authorizer, identitySource: $request.header.Authorization,
         authorizerPayloadFormatVersion: "2.0", enableSimpleResponses: true, authorizerResultTtlInSeconds: 300}
    routes:
      - {method: GET, path: "/items/{id}", authorizer: fn, integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: jwt
    basePath: /jwt
    authorizers: [{name: users, type: JWT, issuers: [{issuer: %[2]q, audience: [%[3]q]}]}]
    routes:
      - {method: GET, path: "/items/{id}", authorizer: users, integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: cors
    basePath: /cors
    authorizers: [{name: users, type: JWT, issuers: [{issuer: %[2]q, audience: [%[3]q]}]}]
    cors: {allowOrigins: [%[4]q], allowMethods: [GET], allowHeaders: [Authorization], maxAge: 600}
    routes:
      - {method: GET, path: "/items/{id}", authorizer: users, integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: iam
    basePath: /iam
    authorizers: [{name: iam, type: AWS_IAM}]
    routes:
      - {method: GET, path: "/items/{id}", authorizer: iam, integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
  - name: keyed
    type: REST
    basePath: /keyed
    stages: [{name: prod}]
    authorizers: [{name: users, type: JWT, issuers: [{issuer: %[2]q, audience: [%[3]q]}]}]
    routes:
      - {method: GET, path: "/items/{id}", authorizer: users, apiKeyRequired: true, integration: {type: http_proxy, uri: "http://%[1]s/items/{id}"}}
roles:
  - name: bench-fn
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  - name: %[6]s
    assumeRolePolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Federated: cognito-identity.amazonaws.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringLike: {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}
            ForAnyValue:StringLike: {"cognito-identity.amazonaws.com:amr": authenticated}
    policies:
      invoke:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:*:*/*/GET/items/*"}
apiKeys:
  - {name: bench, valueFromEnv: %[7]s}
usagePlans:
  - name: bench
    throttle: {rateLimit: 1000000, burstLimit: 1000000}
    apiStages: [{api: keyed, stage: prod}]
    apiKeys: [bench]
`

// benchRole is the role the identity pool gives the signed-in bench user;
// apiKeyEnv carries the declared API key's value to moat.
const (
	benchRole = "BenchInvoker"
	apiKeyEnv = "MOAT_BENCH_API_KEY"
)

type moatServer struct {
	url     string
	idToken string
	apiKey  string // the declared key the /keyed API requires
	iamURL  string // a presigned GET of /iam/items/42
	// profiles is the base URL of moat's profile listener; "": none.
	profiles string
	proc     proc
	backend  proc // the HTTP backend its routes forward to
	cmd      *exec.Cmd
	// identity is the identity listener's URL, where the Lambda API is,
	// and admin the credentials it accepts.
	identity string
	admin    aws.Credentials
}

// startMoatForBench builds moat, starts it once to create a pool, an app
// client and a user, restarts it with the gateway configured to trust that
// pool, and signs in once for the ID token every request then carries.
// With that token it gets identity-pool credentials and presigns the one
// request the IAM configuration replays.
func startMoatForBench(ctx context.Context, dir string, backend *backend, profile bool) (*moatServer, error) {
	binary := filepath.Join(dir, "moat")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, "./cmd/moat")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/moat (run the bench from the module root): %v\n%s", err, out)
	}
	for _, fn := range []string{"function", "authorizer"} {
		build := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(dir, fn, "bootstrap"), "./bench/"+fn)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build ./bench/%s: %v\n%s", fn, err, out)
		}
	}
	identity, err := freeAddr()
	if err != nil {
		return nil, err
	}
	gatewayAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	keyID, secret, apiKey := "AKIA"+strings.ToUpper(randomHex(8)), randomHex(20), "Bench"+randomHex(16)
	l := &launcher{binary: binary, dir: dir, identity: identity, gateway: gatewayAddr, env: []string{
		"MOAT_ADMIN_ACCESS_KEY_ID=" + keyID, "MOAT_ADMIN_SECRET_ACCESS_KEY=" + secret, apiKeyEnv + "=" + apiKey,
	}}
	admin := credentials.NewStaticCredentialsProvider(keyID, secret, "")

	setup, err := l.start(ctx, "")
	if err != nil {
		return nil, err
	}
	idp := cip.New(cip.Options{Region: benchRegion, BaseEndpoint: aws.String("http://" + identity), Credentials: admin})
	poolID, clientID, err := createBenchUser(ctx, idp)
	stopProcess(setup)
	if err != nil {
		return nil, err
	}

	profiling, profiles := "", ""
	if profile {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		profiling, profiles = "profile-addr: "+addr+"\n", "http://"+addr
	}
	config := fmt.Sprintf(moatConfig, backend.addr, "http://"+identity+"/"+poolID, clientID, benchOrigin, profiling, benchRole, apiKeyEnv)
	cmd, err := l.start(ctx, config)
	if err != nil {
		return nil, err
	}
	m := &moatServer{url: "http://" + gatewayAddr, apiKey: apiKey, profiles: profiles, proc: proc{cmd.Process.Pid}, backend: backend.proc, cmd: cmd,
		identity: "http://" + identity, admin: aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}}
	out, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "bench", "PASSWORD": benchPassword},
	})
	if err != nil || out.AuthenticationResult == nil {
		m.stop()
		return nil, fmt.Errorf("sign in: %v", err)
	}
	m.idToken = aws.ToString(out.AuthenticationResult.IdToken)
	if err := setupWAF(ctx, "http://"+identity, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}); err != nil {
		m.stop()
		return nil, err
	}
	ids := identityPools{url: "http://" + identity, admin: admin}
	if m.iamURL, err = ids.presignedGET(ctx, poolID, clientID, m.idToken, m.url+"/iam/items/42"); err != nil {
		m.stop()
		return nil, err
	}
	return m, nil
}

func (m *moatServer) stop() { stopProcess(m.cmd) }

// bench is the configuration name measuring GET path (with headers) on
// moat's gateway, refused without its credential as refused says. Its CPU
// is moat's own, the backend's and moat's function workers' (its children).
func (m *moatServer) bench(name, path string, headers []string, refused *refusal) benchCase {
	return benchCase{name: "moat: " + name, proxy: m.proc.ownTime, backend: m.backend.cpuTime, workers: m.proc.childrenTime,
		url: m.url + path, headers: headers, refusal: refused, profiles: m.profiles}
}

// launcher starts moat with the same addresses, data and credentials each time.
type launcher struct {
	binary, dir, identity, gateway string
	env                            []string
}

func (l *launcher) start(ctx context.Context, config string) (*exec.Cmd, error) {
	args := []string{"serve", "--identity-addr", l.identity, "--gateway-addr", l.gateway, "--data-dir", filepath.Join(l.dir, "moat-data")}
	if config != "" {
		file := filepath.Join(l.dir, "moat.yaml")
		if err := os.WriteFile(file, []byte(config), 0o600); err != nil {
			return nil, err
		}
		args = append(args, "--config", file)
	}
	logFile, err := os.OpenFile(filepath.Join(l.dir, "moat.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	cmd := exec.CommandContext(ctx, l.binary, args...)
	cmd.Env = append(os.Environ(), l.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moat: %w", err)
	}
	if err := waitHTTP(ctx, "http://"+l.identity+"/healthz", 200); err != nil {
		stopProcess(cmd)
		log, _ := os.ReadFile(logFile.Name())
		return nil, fmt.Errorf("moat did not become healthy: %w\n%s", err, log)
	}
	return cmd, nil
}

// createBenchUser makes the pool, app client and confirmed user the bench signs in as.
func createBenchUser(ctx context.Context, idp *cip.Client) (poolID, clientID string, err error) {
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench")})
	if err != nil {
		return "", "", fmt.Errorf("CreateUserPool: %w", err)
	}
	poolID = aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		return "", "", fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("bench"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		return "", "", fmt.Errorf("AdminCreateUser: %w", err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: &poolID, Username: aws.String("bench"), Password: aws.String(benchPassword), Permanent: true,
	}); err != nil {
		return "", "", fmt.Errorf("AdminSetUserPassword: %w", err)
	}
	return poolID, aws.ToString(client.UserPoolClient.ClientId), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/moat-dev/moat/internal/srp/srptest"
)

const benchPassword = "Bench-Passw0rd!"

// pool is the measured pool as the clients see it.
type pool struct {
	id, clientID string
	admin        *cip.Client // signed with the admin credentials
	public       *cip.Client // unsigned, as an app is
	measured     int         // users 0..measured-1 have a password
	// url, credentials and http make signed calls without the SDK.
	url         string
	credentials aws.Credentials
	http        *http.Client
}

// setUpPool makes the pool (users sign in with their username or their
// verified email; codes go to email) and its app client.
func setUpPool(ctx context.Context, url string, creds aws.Credentials, admin, public *cip.Client) (*pool, error) {
	p, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bench-scale"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPool: %w", err)
	}
	c, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	return &pool{id: aws.ToString(p.UserPool.Id), clientID: aws.ToString(c.UserPoolClient.ClientId), admin: admin, public: public,
		url: url, credentials: creds, http: &http.Client{Timeout: time.Minute}}, nil
}

// givePasswords sets the passwords of the first n users, the only ones
// the sign-in measurements use: imported users have none, and hashing a
// million passwords is not what an import does.
func (p *pool) givePasswords(ctx context.Context, n int) error {
	for i := range n {
		if _, err := p.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &p.id, Username: aws.String(username(i)),
			Password: aws.String(benchPassword), Permanent: true}); err != nil {
			return fmt.Errorf("AdminSetUserPassword %s: %w", username(i), err)
		}
	}
	p.measured = n
	return nil
}

// latency is one operation's measured times.
type latency struct {
	name     string
	times    []time.Duration
	p50, p99 time.Duration
}

// measure calls op samples times, one after another (after a few unmeasured
// calls), and fails on the first wrong answer: errors are no measurement.
func measure(name string, samples int, op func(i int) error) (latency, error) {
	for i := range 3 {
		if err := op(-1 - i); err != nil {
			return latency{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	l := latency{name: name}
	for i := range samples {
		began := time.Now()
		if err := op(i); err != nil {
			return l, fmt.Errorf("%s: %w", name, err)
		}
		l.times = append(l.times, time.Since(began))
	}
	slices.Sort(l.times)
	l.p50 = l.times[len(l.times)/2]
	l.p99 = l.times[min(len(l.times)-1, len(l.times)*99/100)]
	return l, nil
}

// sessions are tokens from sign-ins, for the calls that need them.
type sessions struct {
	access, refresh []string
}

// latencies measures every operation on the pool as it is now; phase
// names the new users sign-up makes.
func (p *pool) latencies(ctx context.Context, users int, phase string, samples, hashSamples int) ([]latency, error) {
	var s sessions
	signIn := func(i int) error {
		u := username(((i % p.measured) + p.measured) % p.measured)
		out, err := p.public.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &p.clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": u, "PASSWORD": benchPassword}})
		if err != nil {
			return err
		}
		if out.AuthenticationResult == nil {
			return errors.New("no tokens")
		}
		s.access = append(s.access, aws.ToString(out.AuthenticationResult.AccessToken))
		s.refresh = append(s.refresh, aws.ToString(out.AuthenticationResult.RefreshToken))
		return nil
	}
	srpSignIn := func(i int) error {
		client := srptest.NewClient()
		u := username(((i % p.measured) + p.measured) % p.measured)
		ch, err := p.public.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &p.clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": u, "SRP_A": client.A()}})
		if err != nil {
			return err
		}
		ts := time.Now().UTC().Format("Mon Jan 2 15:04:05 UTC 2006")
		signature, err := client.Answer(poolName(p.id), ch.ChallengeParameters["USER_ID_FOR_SRP"], benchPassword, ch.ChallengeParameters, ts)
		if err != nil {
			return err
		}
		out, err := p.public.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &p.clientID, ChallengeName: ch.ChallengeName,
			ChallengeResponses: map[string]string{"USERNAME": ch.ChallengeParameters["USER_ID_FOR_SRP"], "TIMESTAMP": ts,
				"PASSWORD_CLAIM_SECRET_BLOCK": ch.ChallengeParameters["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": signature}})
		if err != nil {
			return err
		}
		if out.AuthenticationResult == nil {
			return errors.New("no tokens")
		}
		return nil
	}
	var firstPage, deepToken string
	list := func(prefix string, token *string, want int) func(int) error {
		return func(int) error {
			in := map[string]any{"UserPoolId": p.id, "Filter": `email ^= "` + prefix + `"`, "Limit": 60}
			if *token != "" {
				in["PaginationToken"] = *token
			}
			var out struct {
				Users           []json.RawMessage
				PaginationToken string
			}
			if err := p.signedCall(ctx, "ListUsers", in, &out); err != nil {
				return err
			}
			if len(out.Users) != want {
				return fmt.Errorf("a page of %d users; want %d", len(out.Users), want)
			}
			if *token == "" {
				firstPage = out.PaginationToken
			}
			return nil
		}
	}
	var none string
	ops := []struct {
		name    string
		samples int
		run     func(i int) error
	}{
		{"sign-in USER_PASSWORD_AUTH", hashSamples, signIn},
		{"sign-in USER_SRP_AUTH (2 calls)", hashSamples, srpSignIn},
		{"GetUser", samples, func(i int) error {
			_, err := p.public.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(s.access[(i+len(s.access))%len(s.access)])})
			return err
		}},
		{"AdminGetUser (any of the pool's users)", samples, func(int) error {
			_, err := p.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &p.id, Username: aws.String(username(rand.N(users)))})
			return err
		}},
		{`ListUsers email ^= "user0000", first page of 60`, samples, list("user0000", &none, 60)},
		{`ListUsers email ^= "user0000", 2nd page`, samples, list("user0000", &deepToken, 60)},
		{`ListUsers email ^= "user", first page of 60`, samples, list("user", &none, 60)},
		{"SignUp", hashSamples, func(i int) error {
			name := fmt.Sprintf("signup-%s-%d", phase, i+10)
			_, err := p.public.SignUp(ctx, &cip.SignUpInput{ClientId: &p.clientID, Username: &name, Password: aws.String(benchPassword),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@bench.example")}}})
			return err
		}},
		{"refresh (REFRESH_TOKEN_AUTH)", samples, func(i int) error {
			out, err := p.public.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &p.clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: map[string]string{"REFRESH_TOKEN": s.refresh[(i+len(s.refresh))%len(s.refresh)]}})
			if err == nil && out.AuthenticationResult == nil {
				err = errors.New("no tokens")
			}
			return err
		}},
	}
	var out []latency
	for _, op := range ops {
		if op.name == `ListUsers email ^= "user0000", 2nd page` {
			deepToken = firstPage
		}
		l, err := measure(op.name, op.samples, op.run)
		if err != nil {
			return out, err
		}
		out = append(out, l)
	}
	return out, nil
}

// poolName is the part of a pool ID after the region, which SRP hashes.
func poolName(id string) string {
	_, name, _ := strings.Cut(id, "_")
	return name
}

// signedCall posts one admin operation signed with SigV4 and decodes its
// answer. ListUsers goes this way: the Go SDK, after many calls on one
// client, failed reading some of its larger answers in this bench
// ("use of closed network connection") though moat sent them whole.
func (p *pool) signedCall(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, p.credentials, req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
		return err
	}
	res, err := p.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", op, res.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

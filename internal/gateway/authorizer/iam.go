package authorizer

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/sigv4"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/ttlcache"
)

// The AWS_IAM authorizer takes what it needs through these, so it does not
// depend on the identity-pool and role domains.
type (
	// SessionOpener opens temporary credentials' session tokens (*tempcreds.Issuer).
	SessionOpener interface {
		Open(ctx context.Context, sessionToken string) (*tempcreds.Session, error)
	}
	// RolePolicies returns a role's permission policies, cached; a role
	// that does not exist is store.ErrNotFound (or no policies).
	RolePolicies interface {
		Policies(ctx context.Context, roleARN string) ([]*iam.Policy, error)
	}
	// Revocations says whether an identity's credentials issued at
	// issuedAt were revoked since (the identity-pool service).
	Revocations interface {
		IsRevoked(ctx context.Context, identityID string, issuedAt time.Time) (bool, error)
	}
)

// invokeAction is what every gateway request asks of IAM.
const invokeAction = "execute-api:Invoke"

// iamAuthorizer is API Gateway's AWS_IAM authorization: a SigV4 signature
// for execute-api in moat's region, by temporary credentials moat issued
// (or by the admin credentials, which act as the account's root user), and
// an IAM decision on execute-api:Invoke for the method ARN.
type iamAuthorizer struct {
	verifier    sigv4.Verifier
	sessions    SessionOpener
	policies    RolePolicies
	revocations Revocations // nil: nothing can be revoked
	admin       admin.Credentials
	rootARN     string
	now         func() time.Time
	bodies      *byteBudget // bounds buffered request bodies
	callers     *ttlcache.Cache[*tempcreds.Session, *sessionCaller]
}

func newIAM(cfg gateway.IAMSettings, deps Deps) (*iamAuthorizer, error) {
	switch {
	case deps.Sessions == nil || deps.RolePolicies == nil:
		return nil, errors.New("AWS_IAM authorizers need moat's temporary credentials and roles")
	}
	for field := range cfg.ClaimHeaders {
		if !identityFields[field] {
			return nil, fmt.Errorf("claimHeaders[%q]: an AWS_IAM authorizer's claimHeaders map identity fields (%s)", field, identityFieldList())
		}
	}
	account := deps.Account
	if account == "" {
		account = "000000000000"
	}
	return &iamAuthorizer{
		verifier:    sigv4.Verifier{Service: "execute-api", Region: deps.Region},
		sessions:    deps.Sessions,
		policies:    deps.RolePolicies,
		revocations: deps.Revocations,
		admin:       deps.Admin,
		rootARN:     "arn:aws:iam::" + account + ":root",
		now:         time.Now,
		bodies:      signedBodies,
		callers:     ttlcache.New[*tempcreds.Session, *sessionCaller](sessionCallers, 0),
	}, nil
}

// Authorize verifies the signature, then the session (revocation), then
// the role's policies, answering each failure as API Gateway does.
func (a *iamAuthorizer) Authorize(ctx context.Context, req *gateway.Request) (*gateway.Identity, error) {
	r := req.HTTP
	body, err := readSignedBody(r, a.bodies)
	if err != nil {
		return nil, err
	}
	c := caller{a: a}
	v := a.verifier
	v.Lookup, v.Now = c.lookup, a.now
	if _, err := v.Verify(ctx, r, body); err != nil {
		return nil, signatureRefusal(err, c.openErr)
	}
	if c.session == nil {
		return rootIdentity(a.rootARN, c.accessKeyID), nil
	}
	s := c.session
	if a.revocations != nil {
		revoked, err := a.revocations.IsRevoked(ctx, s.IdentityID, s.IssuedAt)
		if err != nil {
			return nil, authorizerFailure(err)
		}
		if revoked {
			return nil, invalidTokenRefusal()
		}
	}
	policies, err := a.policies.Policies(ctx, s.RoleARN)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, authorizerFailure(err)
	}
	var ceiling []*iam.Policy
	if !s.Authenticated {
		ceiling = guestCeiling
	}
	now := a.now()
	who := a.callerOf(s, now)
	ask := iam.Request{Action: invokeAction, Resource: req.MethodARN, Principal: who.principal}
	if readsContext(policies) || readsContext(ceiling) {
		ask.Context = conditionContext(r, s, who.sessionPrincipal, now)
	}
	decision := iam.EvaluateWithBoundary(ask, policies, ceiling)
	if decision != iam.Allow {
		return nil, accessDenied(who.arn, req.MethodARN, decision)
	}
	return who.identity, nil
}

// readsContext says whether any of the policies needs condition keys.
func readsContext(policies []*iam.Policy) bool {
	return slices.ContainsFunc(policies, func(p *iam.Policy) bool { return p != nil && p.ReadsContext() })
}

// caller resolves the request's access key id for the verifier: the
// session's key when the request carries a session token
// (X-Amz-Security-Token, in the header or a presigned query), else the
// admin key. It remembers what it found, and why a token was refused.
type caller struct {
	a           *iamAuthorizer
	session     *tempcreds.Session
	accessKeyID string
	openErr     error
}

func (c *caller) lookup(ctx context.Context, accessKeyID, token string) (sigv4.Credential, bool, error) {
	c.accessKeyID = accessKeyID
	if token == "" {
		ok := c.a.admin.AccessKeyID != "" &&
			subtle.ConstantTimeCompare([]byte(accessKeyID), []byte(c.a.admin.AccessKeyID)) == 1
		return sigv4.Credential{SecretAccessKey: c.a.admin.SecretAccessKey}, ok, nil
	}
	s, err := c.a.sessions.Open(ctx, token)
	switch {
	case errors.Is(err, tempcreds.ErrInvalid), errors.Is(err, tempcreds.ErrExpired):
		c.openErr = err
		return sigv4.Credential{}, false, nil
	case err != nil:
		return sigv4.Credential{}, false, err
	case s.AccessKeyID != accessKeyID:
		return sigv4.Credential{}, false, nil
	}
	c.session = s
	return sigv4.Credential{SecretAccessKey: s.SecretAccessKey, SessionToken: token}, true, nil
}

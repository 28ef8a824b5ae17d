package authorizer

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/tempcreds"
)

// The caller's identity as API Gateway puts it in
// requestContext.identity. An AWS_IAM authorizer's claimHeaders map these
// names to backend request headers; integrations find them in
// Identity.Context.
const (
	fieldIdentityID   = "cognitoIdentityId"
	fieldPoolID       = "cognitoIdentityPoolId"
	fieldAuthType     = "cognitoAuthenticationType"
	fieldAuthProvider = "cognitoAuthenticationProvider"
	fieldAccessKey    = "accessKey"
	fieldUserARN      = "userArn"
	fieldCaller       = "caller"
)

var identityFields = map[string]bool{
	fieldIdentityID: true, fieldPoolID: true, fieldAuthType: true, fieldAuthProvider: true,
	fieldAccessKey: true, fieldUserARN: true, fieldCaller: true,
}

func identityFieldList() string {
	names := make([]string, 0, len(identityFields))
	for name := range identityFields {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// cognitoSessionName is the session name Cognito gives the role sessions
// behind identity-pool credentials.
const cognitoSessionName = "CognitoIdentityCredentials"

// sessionPrincipal is how IAM names a session: the STS assumed-role ARN
// (role path dropped, as STS does) and the caller id.
type sessionPrincipal struct {
	account string
	arn     string // arn:aws:sts::<account>:assumed-role/<role>/CognitoIdentityCredentials
	// caller is AWS's "<role id>:CognitoIdentityCredentials"; moat's
	// sessions carry the role's ARN, not its id, so the role name stands in.
	caller string
}

// sessionCallers bounds each AWS_IAM authorizer's cache of sessions'
// callers; a session's entry lives as long as its credentials.
const sessionCallers = 4096

// sessionCaller is everything about a session's caller that does not
// depend on the request, worked out once per session: a session's
// principal and identity are the same on every call it signs. Shared
// between requests, so never modified.
type sessionCaller struct {
	sessionPrincipal
	principal *iam.Principal
	identity  *gateway.Identity
}

func (a *iamAuthorizer) callerOf(s *tempcreds.Session, now time.Time) *sessionCaller {
	if c, ok := a.callers.Get(s, now); ok {
		return c
	}
	who := describeSession(s)
	c := &sessionCaller{
		sessionPrincipal: who,
		principal:        &iam.Principal{Account: who.account, ARNs: []string{s.RoleARN, who.arn}, Federated: s.Issuer},
		identity:         sessionIdentity(s, who),
	}
	a.callers.Put(s, c, s.Expiration, now)
	return c
}

func describeSession(s *tempcreds.Session) sessionPrincipal {
	parts := strings.SplitN(s.RoleARN, ":", 6)
	if len(parts) != 6 {
		return sessionPrincipal{arn: s.RoleARN, caller: s.RoleARN + ":" + cognitoSessionName}
	}
	role := parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	return sessionPrincipal{
		account: parts[4],
		arn:     "arn:aws:sts::" + parts[4] + ":assumed-role/" + role + "/" + cognitoSessionName,
		caller:  role + ":" + cognitoSessionName,
	}
}

// conditionContext fills the condition keys and policy variables a role's
// policies may use.
func conditionContext(r *http.Request, s *tempcreds.Session, who sessionPrincipal, now time.Time) iam.Context {
	secure := "false"
	if r.TLS != nil {
		secure = "true"
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	// Every single value shares one backing array: one allocation, not nine.
	values := []string{
		ip, now.UTC().Format(time.RFC3339), strconv.FormatInt(now.Unix(), 10), secure,
		who.caller, who.account, s.RoleARN, s.IdentityID, s.IdentityPoolID,
	}
	one := func(i int) []string { return values[i : i+1 : i+1] }
	ctx := make(iam.Context, 10+len(s.PrincipalTags))
	ctx["aws:SourceIp"] = one(0)
	ctx["aws:CurrentTime"] = one(1)
	ctx["aws:EpochTime"] = one(2)
	ctx["aws:SecureTransport"] = one(3)
	ctx["aws:userid"] = one(4)
	ctx["aws:PrincipalAccount"] = one(5)
	ctx["aws:PrincipalArn"] = one(6)
	ctx["cognito-identity.amazonaws.com:sub"] = one(7)
	ctx["cognito-identity.amazonaws.com:aud"] = one(8)
	ctx["cognito-identity.amazonaws.com:amr"] = s.AMR
	for k, v := range s.PrincipalTags {
		ctx["aws:PrincipalTag/"+k] = []string{v}
	}
	return ctx
}

// sessionIdentity is the caller as the backend sees it. Claims and Context
// are the same map: claimHeaders copy from Claims.
func sessionIdentity(s *tempcreds.Session, who sessionPrincipal) *gateway.Identity {
	authType, provider := "unauthenticated", ""
	if s.Authenticated {
		authType = "authenticated"
		if len(s.AMR) > 1 {
			// Cognito's amr lists the login providers after "authenticated";
			// API Gateway shows them comma-joined, e.g. for a user pool
			// "cognito-idp.<region>.amazonaws.com/<pool>,cognito-idp…:CognitoSignIn:<sub>".
			provider = strings.Join(s.AMR[1:], ",")
		}
	}
	fields := map[string]any{
		fieldIdentityID: s.IdentityID, fieldPoolID: s.IdentityPoolID,
		fieldAuthType: authType, fieldAuthProvider: provider,
		fieldAccessKey: s.AccessKeyID, fieldUserARN: who.arn, fieldCaller: who.caller,
	}
	for name, v := range fields {
		if v == "" {
			delete(fields, name) // no empty headers for a guest's provider
		}
	}
	return &gateway.Identity{Kind: gateway.IAMIdentity, Principal: who.arn, Claims: fields, Context: fields}
}

// rootIdentity is the admin credentials' caller: the account's root user.
func rootIdentity(rootARN, accessKeyID string) *gateway.Identity {
	fields := map[string]any{fieldAccessKey: accessKeyID, fieldUserARN: rootARN, fieldCaller: rootARN}
	return &gateway.Identity{Kind: gateway.IAMIdentity, Principal: rootARN, Claims: fields, Context: fields}
}

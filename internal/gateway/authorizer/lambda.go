package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/gateway/lambdaevent"
	"github.com/moat-dev/moat/internal/iam"
)

// lambdaAuthorizer is a TOKEN or REQUEST authorizer: a function decides,
// from the request's identity sources, with a policy (or, for HTTP APIs'
// simple responses, yes or no). Answers are cached by identity sources;
// the policy is evaluated against each request's own method ARN.
type lambdaAuthorizer struct {
	name      string
	functions gateway.FunctionInvoker
	function  string
	token     bool // TOKEN: one header, passed whole as authorizationToken
	rest      bool
	v2        bool // HTTP API payload 2.0
	simple    bool // 2.0 simple responses
	sources   []lambdaSource
	validate  *regexp.Regexp // TOKEN: nil or what the token must match
	cache     *answerCache   // nil: TTL 0, every request invokes
	counters  lambdaCounters
	log       *slog.Logger
}

// The limits API Gateway sets: TTL up to an hour, default five minutes;
// an authorizer has ten seconds to answer.
const (
	defaultLambdaTTL = 300
	maxLambdaTTL     = 3600
	lambdaTimeout    = 10 * time.Second
)

func newLambda(api *gateway.API, cfg gateway.AuthorizerConfig, deps Deps) (*lambdaAuthorizer, error) {
	s, err := cfg.Lambda()
	if err != nil {
		return nil, err
	}
	if api == nil {
		return nil, errors.New("a Lambda authorizer belongs to an API")
	}
	if deps.Functions == nil {
		return nil, errors.New("type " + cfg.Type + ": this moat runs no functions")
	}
	a := &lambdaAuthorizer{name: cfg.Name, functions: deps.Functions, function: s.Function,
		token: cfg.Type == gateway.TokenAuthorizer, rest: api.Type == "REST", log: deps.Logger}
	if err := a.payload(s); err != nil {
		return nil, err
	}
	if err := a.identity(s); err != nil {
		return nil, err
	}
	ttl := defaultLambdaTTL
	if s.ResultTTLSeconds != nil {
		ttl = *s.ResultTTLSeconds
	}
	if ttl < 0 || ttl > maxLambdaTTL {
		return nil, fmt.Errorf("authorizerResultTtlInSeconds %d is not between 0 and %d", ttl, maxLambdaTTL)
	}
	if ttl > 0 {
		if len(a.sources) == 0 {
			return nil, errors.New("authorizerResultTtlInSeconds: caching needs at least one identity source (or a TTL of 0)")
		}
		parse := a.parseAnswer
		a.cache = newAnswerCache(time.Duration(ttl)*time.Second, deps.Redis,
			"moat:authorizer:"+api.ID+":"+cfg.Name+":", parse)
	}
	metrics := deps.Metrics
	if metrics == nil {
		metrics, _ = NewMetrics(nil)
	}
	a.counters = metrics.forAuthorizer(api.Name, cfg.Name)
	return a, nil
}

// payload checks the event shape the API and settings ask for.
func (a *lambdaAuthorizer) payload(s gateway.LambdaAuthorizerSettings) error {
	switch {
	case a.rest && s.PayloadFormatVersion != "":
		return errors.New("authorizerPayloadFormatVersion is for HTTP APIs; a REST API's authorizer is TOKEN or REQUEST")
	case !a.rest && a.token:
		return errors.New("type TOKEN is for REST APIs; an HTTP API's Lambda authorizer is REQUEST")
	case !a.rest:
		switch s.PayloadFormatVersion {
		case "", "2.0":
			a.v2 = true
		case "1.0":
		default:
			return fmt.Errorf("authorizerPayloadFormatVersion %q is not 1.0 or 2.0", s.PayloadFormatVersion)
		}
	}
	if s.SimpleResponses && !a.v2 {
		return errors.New("enableSimpleResponses needs an HTTP API authorizer with payload 2.0")
	}
	a.simple = s.SimpleResponses
	return nil
}

// identity reads the identity sources and the token's validation expression.
func (a *lambdaAuthorizer) identity(s gateway.LambdaAuthorizerSettings) error {
	var err error
	source := s.IdentitySource
	if a.token && source == "" {
		source = "method.request.header.Authorization"
	}
	if a.sources, err = parseLambdaSources(source); err != nil {
		return err
	}
	if a.token {
		if len(a.sources) != 1 || !strings.Contains(a.sources[0].text, "request.header.") {
			return fmt.Errorf("identitySource %q: a TOKEN authorizer reads one header", source)
		}
	}
	if s.ValidationExpression != "" {
		if !a.token {
			return errors.New("identityValidationExpression is for TOKEN authorizers")
		}
		// The whole token must match, as API Gateway's (Java) matching does.
		if a.validate, err = regexp.Compile(`^(?:` + s.ValidationExpression + `)$`); err != nil {
			return fmt.Errorf("identityValidationExpression: %v", err)
		}
	}
	return nil
}

// Authorize finds the caller's answer (cached, or the function's) and
// applies it to the request.
func (a *lambdaAuthorizer) Authorize(ctx context.Context, req *gateway.Request) (*gateway.Identity, error) {
	values, complete := sourceValues(a.sources, req)
	switch {
	case a.token && !complete:
		return nil, lambdaUnauthorized("no token")
	case a.token && a.validate != nil && !a.validate.MatchString(values[0]):
		return nil, lambdaUnauthorized("the token does not match the identity validation expression")
	case !complete && (a.cache != nil || !a.rest):
		return nil, lambdaUnauthorized("an identity source is missing")
	}
	now := time.Now()
	var key string
	if a.cache != nil {
		key = cacheKey(values)
		cached, ok, err := a.cache.get(ctx, key, now)
		if err != nil {
			a.log.Warn("authorizer cache unavailable; invoking", "authorizer", a.name, "error", err)
		}
		if ok {
			a.counters.hits.Inc()
			return a.apply(cached, req)
		}
		a.counters.misses.Inc()
	}
	answer, raw, err := a.invoke(ctx, req, values)
	if err != nil {
		return nil, err
	}
	if a.cache != nil {
		if err := a.cache.put(ctx, key, answer, raw, now); err != nil {
			a.log.Warn("authorizer cache unavailable; answer not shared", "authorizer", a.name, "error", err)
		}
	}
	return a.apply(answer, req)
}

// invoke runs the function with the event of the authorizer's type.
func (a *lambdaAuthorizer) invoke(ctx context.Context, req *gateway.Request, values []string) (*lambdaevent.Answer, []byte, error) {
	var event any
	switch {
	case a.token:
		event = lambdaevent.TokenEvent(req, values[0])
	case a.rest:
		event = lambdaevent.RequestEvent(req)
	case a.v2:
		event = lambdaevent.RequestEventV2(req, values)
	default:
		event = lambdaevent.RequestEventV1(req, values)
	}
	payload, err := json.Marshal(event)
	if err != nil {
		return nil, nil, lambdaFailed(a.rest, err)
	}
	ctx, cancel := context.WithTimeout(ctx, lambdaTimeout)
	defer cancel()
	a.counters.invocations.Inc()
	result, functionError, err := a.functions.InvokeFunction(ctx, gateway.GatewayPrincipal, a.function, authorizerARN(req.MethodARN, a.name), payload)
	switch {
	case err != nil:
		a.counters.errors.Inc()
		return nil, nil, lambdaFailed(a.rest, fmt.Errorf("authorizer %s: invoking %s: %w", a.name, a.function, err))
	case functionError != "" && lambdaevent.ErrorMessage(result) == messageUnauthorized:
		return nil, nil, lambdaUnauthorized("the authorizer answered Unauthorized")
	case functionError != "":
		a.counters.errors.Inc()
		return nil, nil, lambdaFailed(a.rest, fmt.Errorf("authorizer %s: function error %s: %s", a.name, functionError, lambdaevent.ErrorMessage(result)))
	}
	answer, err := a.parseAnswer(result)
	if err != nil {
		a.counters.errors.Inc()
		return nil, nil, lambdaFailed(a.rest, fmt.Errorf("authorizer %s: %w", a.name, err))
	}
	return answer, result, nil
}

func (a *lambdaAuthorizer) parseAnswer(result []byte) (*lambdaevent.Answer, error) {
	if a.simple {
		return lambdaevent.ParseSimpleAnswer(result)
	}
	return lambdaevent.ParsePolicyAnswer(result, !a.v2)
}

// apply decides the request by the answer: the policy, evaluated for
// execute-api:Invoke on the request's method ARN, or the simple yes or no.
func (a *lambdaAuthorizer) apply(answer *lambdaevent.Answer, req *gateway.Request) (*gateway.Identity, error) {
	if answer.Policy == nil {
		if !answer.Authorized {
			return nil, lambdaDenied(a.rest, false)
		}
	} else {
		switch answer.Policy.Evaluate(iam.Request{Action: "execute-api:Invoke", Resource: req.MethodARN}) {
		case iam.ExplicitDeny:
			return nil, lambdaDenied(a.rest, true)
		case iam.ImplicitDeny:
			return nil, lambdaDenied(a.rest, false)
		}
	}
	return &gateway.Identity{Kind: gateway.LambdaIdentity, Principal: answer.PrincipalID, Context: answer.Context,
		UsageIdentifierKey: answer.UsageIdentifierKey}, nil
}

// authorizerARN is the source ARN API Gateway invokes an authorizer with:
// arn:aws:execute-api:<region>:<account>:<apiId>/authorizers/<id>.
func authorizerARN(methodARN, name string) string {
	api, _, _ := strings.Cut(methodARN, "/")
	return api + "/authorizers/" + name
}

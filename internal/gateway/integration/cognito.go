package integration

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/cognitoproxy"
	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/oidcjwt"
	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/usage"
)

// CognitoDeps are what cognito_idp integrations share.
type CognitoDeps struct {
	// MoatURL is this moat's identity listener, the upstream "moat" names,
	// and MoatIssuer the base of its pools' token issuers (the identity
	// listener's public URL).
	MoatURL, MoatIssuer string
	// Key wraps the tokens the proxies hand out; it must be the same on
	// every replica (moat keeps it sealed in the store).
	Key sealing.DataKey
	// Limiter spends the per-user budgets: in Redis when moat has one, so
	// replicas share them.
	Limiter usage.Limiter
	// Events is the outbox where a proxy in front of a pool that publishes
	// none (any upstream but "moat") records what each call changed, as
	// Origin; nil: none is recorded.
	Events store.Events
	Origin events.Origin
	Logger *slog.Logger
}

// Cognito's largest requests and answers stay far below these.
const (
	cognitoMaxRequest = 256 << 10
	cognitoMaxAnswer  = 1 << 20
)

// cognitoProxy is a cognito_idp integration: the client's Cognito call,
// rewritten by cognitoproxy, is posted to the upstream user pool, and its
// answer rewritten back.
type cognitoProxy struct {
	proxy    *cognitoproxy.Proxy
	upstream string
	client   *http.Client
	limiter  usage.Limiter
	limit    *throttle.Rate
	// limitKey prefixes the limiter's keys: the route's own budgets.
	limitKey string
	// events is nil in front of a moat pool, which records its own.
	events *CognitoDeps
}

func (b *Builder) newCognitoProxy(api *gateway.API, c gateway.IntegrationConfig) (*cognitoProxy, error) {
	s, err := c.CognitoIdp()
	if err != nil {
		return nil, err
	}
	if b.Cognito == nil {
		return nil, errors.New("type cognito_idp: this moat serves no Cognito proxy")
	}
	timeout, err := integrationTimeout(c.TimeoutMillis)
	if err != nil {
		return nil, err
	}
	cp := &cognitoProxy{upstream: strings.TrimRight(s.Upstream, "/") + "/",
		client:  &http.Client{Transport: b.shared, Timeout: timeout, CheckRedirect: noRedirects},
		limiter: b.Cognito.Limiter, limit: s.UserLimit, limitKey: "cognito-proxy:" + api.Name + ":"}
	issuerBase := strings.TrimRight(s.Upstream, "/") // Amazon Cognito's issuers are its endpoint's
	if s.Upstream == cognitoproxy.MoatUpstream {
		cp.upstream, issuerBase = b.Cognito.MoatURL+"/", b.Cognito.MoatIssuer
	} else if b.Cognito.Events != nil {
		cp.events = b.Cognito
	}
	tokens := &subjects{issuerBase: issuerBase, upstream: cp.upstream, client: cp.client, logger: cmp.Or(b.Cognito.Logger, slog.Default()), keys: map[string]*oidcjwt.Keys{}}
	if cp.proxy, err = cognitoproxy.New(s, b.Cognito.Key, tokens.verify); err != nil {
		return nil, err
	}
	return cp, nil
}

// record writes what call changed to the outbox. The change is made by
// then, upstream: a failure to record it is logged, and the client still
// gets its answer.
func (p *cognitoProxy) record(ctx context.Context, call *cognitoproxy.Call, answer []byte) {
	if p.events == nil {
		return
	}
	ch, ok := p.proxy.Change(call, answer)
	if !ok {
		return
	}
	var resources []string
	if pool := ch.Detail.UserPoolID; pool != "" {
		region, _, _ := strings.Cut(pool, "_")
		resources = []string{"arn:aws:cognito-idp:" + region + ":" + p.events.Origin.Account + ":userpool/" + pool}
	}
	e, err := p.events.Origin.New(ch.DetailType, time.Now(), resources, ch.Detail)
	if err == nil {
		err = events.Record(context.WithoutCancel(ctx), p.events.Events, ch.Stream, e)
	}
	if err != nil {
		cmp.Or(p.events.Logger, slog.Default()).Error("cognito proxy: the event of a call the upstream made was not recorded", "operation", call.Operation, "detail_type", ch.DetailType, "error", err)
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Serve answers the call: refused in Cognito's own error shape, or as the
// upstream answers it.
func (p *cognitoProxy) Serve(w http.ResponseWriter, req *gateway.Request) error {
	r := req.HTTP
	if r.Method != http.MethodPost {
		awsapi.WriteJSONError(w, &awserr.Error{Code: awserr.UnknownOperation, Message: "Only POST is supported.", Status: http.StatusNotFound})
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, cognitoMaxRequest+1))
	if err != nil {
		return err // the body guard's error: the gateway answers it
	}
	if len(body) > cognitoMaxRequest {
		awsapi.WriteJSONError(w, awserr.Newf(awserr.Serialization, "The request body is larger than %d bytes, the most this API accepts.", cognitoMaxRequest))
		return nil
	}
	call, err := p.proxy.Rewrite(r.Context(), r.Header.Get("X-Amz-Target"), body)
	if err == nil {
		err = p.spend(r.Context(), call)
	}
	if e, ok := awserr.As(err); ok {
		awsapi.WriteJSONError(w, e)
		return nil
	}
	if err != nil {
		return err
	}
	return p.forward(w, req, call)
}

var errTooManyRequests = awserr.New(awserr.TooManyRequests, "Too many requests")

// spend takes one call from the user's budget, whatever address it comes from.
func (p *cognitoProxy) spend(ctx context.Context, call *cognitoproxy.Call) error {
	if p.limit == nil || call.UserKey == "" {
		return nil
	}
	d, err := p.limiter.Allow(ctx, p.limitKey+call.UserKey, p.limit.PerMinute/60, p.limit.Burst)
	if err != nil {
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusInternalServerError, Message: "Internal server error", Cause: err}
	}
	if !d.Allowed {
		return errTooManyRequests
	}
	return nil
}

// forward posts the rewritten call upstream and answers with what comes back.
func (p *cognitoProxy) forward(w http.ResponseWriter, req *gateway.Request, call *cognitoproxy.Call) error {
	r := req.HTTP
	out, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.upstream, bytes.NewReader(call.Body))
	if err != nil {
		return err
	}
	out.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	out.Header.Set("X-Amz-Target", cognitoproxy.TargetPrefix+call.Operation)
	for _, h := range []string{"User-Agent", "X-Amz-User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			out.Header.Set(h, v)
		}
	}
	// The upstream's own per-address limits see the client when it trusts
	// this gateway (trusted-proxies), as behind any load balancer.
	out.Header.Set("X-Forwarded-For", strings.TrimPrefix(r.Header.Get("X-Forwarded-For")+", ", ", ")+req.SourceIP())
	res, err := p.client.Do(out)
	if err != nil {
		return p.failed(req, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, cognitoMaxAnswer+1))
	if err != nil || len(answer) > cognitoMaxAnswer {
		return p.failed(req, cmp.Or(err, errors.New("the upstream's answer is too large")))
	}
	if res.StatusCode == http.StatusOK {
		p.record(r.Context(), call, answer)
		if answer, err = p.proxy.Answer(call, answer); err != nil {
			return p.failed(req, err)
		}
	}
	h := w.Header()
	for _, name := range []string{"Content-Type", "X-Amzn-Requestid", "X-Amzn-Errortype", "X-Amzn-Errormessage"} {
		if v := res.Header.Get(name); v != "" {
			h.Set(name, v)
		}
	}
	h.Set("Content-Length", fmt.Sprint(len(answer)))
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(answer)
	return nil
}

// failed is API Gateway's answer when the upstream gave none usable. The
// cause names the upstream's host only: the error text can quote the URL.
func (p *cognitoProxy) failed(req *gateway.Request, err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return timedOut()
	case req.HTTP.Context().Err() != nil:
		return &gateway.Error{Type: gateway.IntegrationFailure, Status: 499, Message: "Client closed request"}
	}
	return &gateway.Error{Type: gateway.IntegrationFailure, Status: http.StatusBadGateway, Message: "Internal server error",
		Cause: fmt.Errorf("cognito_idp upstream request failed: %w", err)}
}

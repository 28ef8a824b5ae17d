// Package triggers runs a user pool's Lambda triggers on moat's functions:
// it implements the sign-up and sign-in hooks (signin.Hooks) by sending
// Cognito's events (aws-lambda-go's CognitoEventUserPools* shapes) to the
// functions the pool's LambdaConfig names, synchronously and within
// Cognito's limit, and reading their answers back as Cognito does; the
// custom senders' events are queued, as Cognito invokes those
// asynchronously.
package triggers

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/moat-dev/moat/internal/codeseal"
	"github.com/moat-dev/moat/internal/userpool/signin"
	"github.com/prometheus/client_golang/prometheus"
)

// Principal is the service principal triggers invoke functions as, which a
// function's AddPermission statements name.
const Principal = "cognito-idp.amazonaws.com"

// Cognito's invocation rules: an answer within 5 seconds, three attempts.
const (
	DefaultLimit = 5 * time.Second
	attempts     = 3
)

// Invoker runs a function for a service principal, as functions.Runtime
// does. InvokeFunction runs it synchronously: functionError is "Unhandled"
// when the handler failed (result then holds Lambda's error JSON); err says
// the function could not be invoked. InvokeFunctionAsync queues an Event
// invocation (the custom senders'), err saying it could not be queued.
type Invoker interface {
	InvokeFunction(ctx context.Context, principal, function, sourceARN string, payload []byte) (result []byte, functionError string, err error)
	InvokeFunctionAsync(ctx context.Context, principal, function, sourceARN string, payload []byte) (requestID string, err error)
}

// Config wires Triggers.
type Config struct {
	Functions       Invoker
	Region, Account string
	Logger          *slog.Logger
	// Registry gets the per-trigger metrics; nil counts nothing.
	Registry prometheus.Registerer
	// Limit is how long one attempt may take; 0 means DefaultLimit.
	Limit time.Duration
	// Seals encrypts the codes custom senders get; nil fails them.
	Seals *codeseal.Keys
}

// Triggers sends user-pool events to functions.
type Triggers struct {
	functions       Invoker
	region, account string
	log             *slog.Logger
	metrics         *metrics
	limit           time.Duration
	seals           *codeseal.Keys
}

// New returns Triggers; its Hooks go in userpool.Config.
func New(cfg Config) (*Triggers, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	return &Triggers{functions: cfg.Functions, region: cfg.Region, account: cfg.Account, log: cfg.Logger, metrics: m, limit: cfg.Limit, seals: cfg.Seals}, nil
}

// Hooks are every hook, each running the pool's trigger when it has one.
func (t *Triggers) Hooks() signin.Hooks {
	return signin.Hooks{PreSignUp: t, PostConfirmation: t, PreAuthentication: t, PostAuthentication: t,
		PreTokenGeneration: t, UserMigration: t, CustomMessage: t, CustomAuth: t, InboundFederation: t, CustomSender: t}
}

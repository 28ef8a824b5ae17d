// Package throttle caps how fast one source address, or one user, may call
// the user-pool operations attackers probe: sign-in, sign-up and code
// requests. It spends tokens from buckets it is given (moat's shared
// limiter, in memory or in Redis) and knows nothing of usage plans.
package throttle

import (
	"context"
	"errors"
	"net/netip"

	"github.com/moat-dev/moat/internal/awserr"
)

// Buckets is a token bucket per key: Take spends one token of the bucket
// refilling at perSecond with room for burst, or reports false.
type Buckets interface {
	Take(ctx context.Context, key string, perSecond float64, burst int) (bool, error)
}

// Rate is a sustained rate per minute with a burst.
type Rate struct {
	PerMinute float64 `yaml:"perMinute"`
	Burst     int     `yaml:"burst"`
}

// Limits are the budgets, per source address and per user.
type Limits struct {
	SignInPerIP   Rate `yaml:"signInPerIp"`
	SignInPerUser Rate `yaml:"signInPerUser"`
	SignUpPerIP   Rate `yaml:"signUpPerIp"`
	CodesPerUser  Rate `yaml:"codesPerUser"`
}

// DefaultLimits leave people room to mistype and retry, not to script.
var DefaultLimits = Limits{
	SignInPerIP:   Rate{PerMinute: 120, Burst: 30},
	SignInPerUser: Rate{PerMinute: 30, Burst: 10},
	SignUpPerIP:   Rate{PerMinute: 30, Burst: 10},
	CodesPerUser:  Rate{PerMinute: 5, Burst: 5},
}

var (
	ErrTooManyRequests = awserr.New(awserr.TooManyRequests, "Too many requests")
	ErrTooManyCodes    = awserr.New(awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
)

// errNoCaller is a wiring fault: an entry point that did not pass the
// caller's address would otherwise skip the per-address limit silently.
var errNoCaller = errors.New("throttle: the caller's address is missing")

// Limiter applies Limits. Without Buckets nothing is limited, but the
// caller's address is still required.
type Limiter struct {
	buckets Buckets
	limits  Limits
}

// New returns a Limiter spending from buckets (nil: no limits) under limits
// (nil: DefaultLimits).
func New(buckets Buckets, limits *Limits) *Limiter {
	l := &Limiter{buckets: buckets, limits: DefaultLimits}
	if limits != nil {
		l.limits = *limits
	}
	return l
}

// SignIn applies the per-address and per-user sign-in budgets.
func (l *Limiter) SignIn(ctx context.Context, caller netip.Addr, poolID, userKey string) error {
	if !caller.IsValid() {
		return awserr.Internal(errNoCaller)
	}
	if err := l.spend(ctx, "signin-ip", l.limits.SignInPerIP, caller.String(), ErrTooManyRequests); err != nil {
		return err
	}
	return l.spend(ctx, "signin-user", l.limits.SignInPerUser, poolID+"/"+userKey, ErrTooManyRequests)
}

// SignUp applies the per-address sign-up budget.
func (l *Limiter) SignUp(ctx context.Context, caller netip.Addr) error {
	if !caller.IsValid() {
		return awserr.Internal(errNoCaller)
	}
	return l.spend(ctx, "signup-ip", l.limits.SignUpPerIP, caller.String(), ErrTooManyRequests)
}

// Codes applies the per-user budget for mailed codes.
func (l *Limiter) Codes(ctx context.Context, poolID, userKey string) error {
	return l.spend(ctx, "codes", l.limits.CodesPerUser, poolID+"/"+userKey, ErrTooManyCodes)
}

// spend takes one token of the named budget, failing with tooMany when the
// bucket is empty.
func (l *Limiter) spend(ctx context.Context, budget string, r Rate, key string, tooMany error) error {
	if l.buckets == nil || r.PerMinute <= 0 {
		return nil
	}
	ok, err := l.buckets.Take(ctx, "userpool:"+budget+":"+key, r.PerMinute/60, max(r.Burst, 1))
	if err != nil {
		return awserr.Internal(err)
	}
	if !ok {
		return tooMany
	}
	return nil
}

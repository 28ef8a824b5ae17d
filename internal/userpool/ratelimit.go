package userpool

import (
	"context"

	"github.com/moat-dev/moat/internal/awserr"
)

// Rate is a sustained rate per minute with a burst.
type Rate struct {
	PerMinute float64 `yaml:"perMinute"`
	Burst     int     `yaml:"burst"`
}

// Limits caps how fast one source address, or one user, may call the
// operations attackers probe: sign-in, sign-up, and code requests.
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

type sourceIPKey struct{}

// WithSourceIP tells the domain which address a call came from.
func WithSourceIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, sourceIPKey{}, ip)
}

func sourceIP(ctx context.Context) string {
	ip, _ := ctx.Value(sourceIPKey{}).(string)
	return ip
}

var (
	errTooManyRequests = awserr.New(awserr.TooManyRequests, "Too many requests")
	errTooManyCodes    = awserr.New(awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
)

// limit spends one token of the named budget, failing with tooMany when
// the bucket is empty. No limiter configured means no limit.
func (s *Service) limit(ctx context.Context, budget string, r Rate, key string, tooMany error) error {
	if s.limiter == nil || r.PerMinute <= 0 || key == "" {
		return nil
	}
	d, err := s.limiter.Allow(ctx, "userpool:"+budget+":"+key, r.PerMinute/60, max(r.Burst, 1))
	if err != nil {
		return awserr.Internal(err)
	}
	if !d.Allowed {
		return tooMany
	}
	return nil
}

// limitSignIn applies the per-address and per-user sign-in budgets.
func (s *Service) limitSignIn(ctx context.Context, poolID, username string) error {
	if err := s.limit(ctx, "signin-ip", s.limits.SignInPerIP, sourceIP(ctx), errTooManyRequests); err != nil {
		return err
	}
	return s.limit(ctx, "signin-user", s.limits.SignInPerUser, poolID+"/"+username, errTooManyRequests)
}

// Package usage is API Gateway's usage-plan machinery: API keys, throttling
// limiters (in memory for one node, Redis for several) and durable quotas,
// behind one question the gateway asks per request (Service.Check).
package usage

import (
	"context"
	"time"
)

// Limiter is a token bucket per key: a bucket holds up to burst tokens and
// refills at rate tokens a second; a request takes one token or is refused.
// Both implementations run GCRA, the same bucket kept as one timestamp, so
// they decide alike.
//
// A limit that admits nothing steadily (rate ≤ 0 or burst ≤ 0) refuses every
// request with RetryAfter 0: a bucket of no tokens never holds one, which is
// how API Gateway treats throttles set to 0 (they block the method).
type Limiter interface {
	Allow(ctx context.Context, key string, rate float64, burst int) (Decision, error)
}

// Decision is a limiter's answer; RetryAfter says when the next token is due
// when a request is refused.
type Decision struct {
	Allowed    bool
	RetryAfter time.Duration
}

// maxInterval caps GCRA intervals so absurdly small rates cannot overflow
// time arithmetic; a century between tokens is "never" for any caller.
const maxInterval = 100 * 365 * 24 * time.Hour

// gcraParams returns the token interval and the bucket's depth in time, or
// ok false when the limit admits nothing.
func gcraParams(rate float64, burst int) (interval, depth time.Duration, ok bool) {
	if !(rate > 0) || burst <= 0 {
		return 0, 0, false
	}
	interval = clampDuration(float64(time.Second) / rate)
	return interval, clampDuration(float64(interval) * float64(burst)), true
}

func clampDuration(ns float64) time.Duration {
	if ns >= float64(maxInterval) {
		return maxInterval
	}
	return time.Duration(ns)
}

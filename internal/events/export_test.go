package events

import "time"

// RetryAfter exposes the backoff to the tests.
func RetryAfter(t *Target, failures int) time.Duration { return t.retryAfter(failures) }

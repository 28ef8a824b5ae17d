package functions

import "time"

// LogLine is one line a function's worker wrote, as moat logs it: what the
// console's live log of a function shows.
type LogLine struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"` // the invocation it belongs to; empty between invocations
	Text      string    `json:"text"`
}

// WatchLogs sends the lines the workers of the function named function
// write in this moat process to ch (without blocking, dropping what ch has
// no room for) until stop is called.
func (r *Runtime) WatchLogs(function string, ch chan<- LogLine) (stop func()) {
	return r.logs.Watch(function, ch)
}

package console

import (
	"sync"
	"time"
)

// Failed sign-ins from one address beyond signInFailures within
// signInWindow are refused until the window passes: the secret cannot be
// guessed at the speed of the network.
const (
	signInFailures = 10
	signInWindow   = 15 * time.Minute
)

type signInLimit struct {
	mu       sync.Mutex
	failures map[string]*failureCount
	now      func() time.Time
}

type failureCount struct {
	n     int
	first time.Time
}

func newSignInLimit() *signInLimit {
	return &signInLimit{failures: map[string]*failureCount{}, now: time.Now}
}

func (l *signInLimit) allowed(source string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.failures[source]
	if !ok {
		return true
	}
	if l.now().Sub(f.first) > signInWindow {
		delete(l.failures, source)
		return true
	}
	return f.n < signInFailures
}

func (l *signInLimit) failed(source string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for s, f := range l.failures { // keep the table as small as the attack
		if now.Sub(f.first) > signInWindow {
			delete(l.failures, s)
		}
	}
	f, ok := l.failures[source]
	if !ok {
		f = &failureCount{first: now}
		l.failures[source] = f
	}
	f.n++
}

func (l *signInLimit) succeeded(source string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, source)
}

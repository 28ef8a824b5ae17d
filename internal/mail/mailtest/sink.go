// Package mailtest is a real SMTP server for tests: moat (or any SMTP client)
// delivers to it over TCP, and the test reads back what arrived.
package mailtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sink is an SMTP server on 127.0.0.1 that keeps every message it accepts.
// Set its fields before the first call to URL, which starts it serving; it
// stops when the test ends.
type Sink struct {
	Username, Password string   // when set, AUTH is offered and required before MAIL
	Mechanisms         []string // AUTH mechanisms offered; default PLAIN and LOGIN
	TLS                bool     // offer STARTTLS, and AUTH only once it is done
	ImplicitTLS        bool     // speak TLS from the first byte; URL says smtps

	listener net.Listener
	cert     tls.Certificate
	roots    *x509.CertPool
	start    sync.Once
	sessions sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	conns   map[net.Conn]struct{}
	inbox   map[string][]Received // by lower-cased envelope recipient, oldest first
	count   int                   // messages received in all
	arrived chan struct{}         // closed, and replaced, when a message arrives
}

// NewSink listens on a free loopback port.
func NewSink(t testing.TB) *Sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Sink{
		listener: l,
		conns:    map[net.Conn]struct{}{},
		inbox:    map[string][]Received{},
		arrived:  make(chan struct{}),
	}
	s.cert, s.roots = selfSigned(t)
	t.Cleanup(s.close)
	return s
}

// URL is the smtp:// (smtps:// with ImplicitTLS) URL of the sink, with its
// credentials, to give to moat. The first call starts serving.
func (s *Sink) URL() string {
	s.start.Do(func() {
		s.sessions.Add(1)
		go s.serve()
	})
	u := url.URL{Scheme: "smtp", Host: s.listener.Addr().String()}
	if s.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.Username != "" {
		u.User = url.UserPassword(s.Username, s.Password)
	}
	return u.String()
}

// RootCAs is a pool trusting the sink's self-signed certificate (valid for
// 127.0.0.1 and localhost).
func (s *Sink) RootCAs() *x509.CertPool { return s.roots }

// Wait returns the oldest message not yet returned whose envelope names the
// recipient to, waiting up to timeout for one to arrive; the test fails if
// none does, or if the message could not be parsed.
func (s *Sink) Wait(t testing.TB, to string, timeout time.Duration) Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, err := s.Next(ctx, to)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("mailtest: no message for %s arrived within %s", to, timeout)
	}
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	return r
}

// Next is Wait for code that must not stop the test itself, such as an HTTP
// handler serving codes to a script: it waits until ctx is done, and returns
// an error for a malformed message (with it, as received).
func (s *Sink) Next(ctx context.Context, to string) (Received, error) {
	key := strings.ToLower(to)
	for {
		s.mu.Lock()
		queue, arrived := s.inbox[key], s.arrived
		if len(queue) > 0 {
			s.inbox[key] = queue[1:]
		}
		s.mu.Unlock()
		if len(queue) > 0 {
			r := queue[0]
			if r.parseErr != nil {
				return r, fmt.Errorf("the message to %s is malformed: %w\n%s", to, r.parseErr, r.Raw)
			}
			return r, nil
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return Received{}, fmt.Errorf("no message for %s: %w", to, ctx.Err())
		}
	}
}

// Count is how many messages the sink has received, returned by Wait or not.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

func (s *Sink) deliver(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	for _, rcpt := range r.RcptTo {
		key := strings.ToLower(rcpt)
		s.inbox[key] = append(s.inbox[key], r)
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
}

func (s *Sink) serve() {
	defer s.sessions.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.sessions.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.sessions.Done()
			defer s.forget(conn)
			newSession(s, conn).run()
		}()
	}
}

func (s *Sink) forget(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
	conn.Close()
}

func (s *Sink) close() {
	s.mu.Lock()
	s.closed = true
	s.listener.Close()
	for conn := range s.conns {
		conn.Close()
	}
	s.mu.Unlock()
	s.sessions.Wait()
}

func (s *Sink) tlsConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
}

func (s *Sink) mechanisms() []string {
	if len(s.Mechanisms) > 0 {
		return s.Mechanisms
	}
	return []string{"PLAIN", "LOGIN"}
}

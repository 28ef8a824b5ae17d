package integration

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"
)

// backendConns keeps idle HTTP/1.1 connections to plain-http backends for
// the lean forwarding path (forward.go): per backend address, the most
// recently used first, each with its own read and write buffers, so a
// request reuses a connection, its buffers and nothing else. No goroutine
// watches an idle connection: one the backend closed meanwhile fails on
// first use, and forward sends that request again on another connection.
type backendConns struct {
	dialer  net.Dialer
	mu      sync.Mutex
	idle    map[string][]*backendConn
	closed  bool
	maxIdle int           // per address
	maxAge  time.Duration // idle longer and a connection is closed, not reused
}

// backendConn is one connection to a backend and its buffers.
type backendConn struct {
	net.Conn
	addr      string
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	reused    bool // it served an earlier request
}

func newBackendConns() *backendConns {
	return &backendConns{
		dialer:  net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second},
		idle:    map[string][]*backendConn{},
		maxIdle: 256,
		maxAge:  90 * time.Second,
	}
}

// get is an idle connection to addr, or a new one dialled by deadline.
func (p *backendConns) get(ctx context.Context, addr string, deadline time.Time) (*backendConn, error) {
	if c := p.takeIdle(addr); c != nil {
		return c, nil
	}
	return p.dial(ctx, addr, deadline)
}

func (p *backendConns) takeIdle(addr string) *backendConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	conns := p.idle[addr]
	for len(conns) > 0 {
		c := conns[len(conns)-1]
		conns[len(conns)-1] = nil
		conns = conns[:len(conns)-1]
		if time.Since(c.idleSince) < p.maxAge {
			p.idle[addr] = conns
			c.reused = true
			return c
		}
		c.Close()
	}
	p.idle[addr] = conns
	return nil
}

func (p *backendConns) dial(ctx context.Context, addr string, deadline time.Time) (*backendConn, error) {
	d := p.dialer
	d.Deadline = deadline
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &backendConn{Conn: conn, addr: addr, br: bufio.NewReaderSize(conn, 4<<10), bw: bufio.NewWriterSize(conn, 4<<10)}, nil
}

// put keeps c for the next request to its address, or closes it when
// enough are idle there already.
func (p *backendConns) put(c *backendConn) {
	c.idleSince = time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle[c.addr]) < p.maxIdle {
		p.idle[c.addr] = append(p.idle[c.addr], c)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	c.Close()
}

// close closes every idle connection; connections in use are closed when
// their requests end.
func (p *backendConns) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for addr, conns := range p.idle {
		for _, c := range conns {
			c.Close()
		}
		delete(p.idle, addr)
	}
}

package awsapi

import (
	"io"
	"net/http"
	"sync/atomic"
)

// readBody reads the whole request body, which SigV4's payload hash and the
// decoders need, holding its room in the frame's budget until release. A
// body larger than the protocol allows is refused before it is read; when
// the budget is spent the request is refused as throttled at once, so a
// flood of large bodies cannot grow memory or queue without bound.
func (f *Frame) readBody(r *http.Request, p *protocol) (body []byte, release func(), err error) {
	size := r.ContentLength
	switch {
	case size > p.maxBody:
		return nil, func() {}, p.tooLarge
	case size == 0 || r.Body == nil || r.Body == http.NoBody:
		return nil, func() {}, nil
	case size < 0: // chunked: hold room for the most it may be
		size = p.maxBody
	}
	if !f.bodies.take(size) {
		return nil, func() {}, p.throttled
	}
	release = func() { f.bodies.give(size) }
	if r.ContentLength >= 0 {
		body = make([]byte, size)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, size+1))
		if err == nil && int64(len(body)) > size {
			release()
			return nil, func() {}, p.tooLarge
		}
	}
	if err != nil {
		release()
		return nil, func() {}, p.unreadable
	}
	return body, release, nil
}

// budget is a count of bytes that may be taken without waiting.
type budget struct {
	free atomic.Int64
}

func newBudget(size int64) *budget {
	b := &budget{}
	b.free.Store(size)
	return b
}

// take claims n bytes, or reports false and claims nothing when fewer are free.
func (b *budget) take(n int64) bool {
	for {
		free := b.free.Load()
		if free < n {
			return false
		}
		if b.free.CompareAndSwap(free, free-n) {
			return true
		}
	}
}

func (b *budget) give(n int64) { b.free.Add(n) }

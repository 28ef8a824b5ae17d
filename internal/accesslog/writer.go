// Package accesslog is where the log lines requests write go (the
// gateway's access log, the WAF's matches): a writer that never makes a
// request wait on the disk or a pipe. Lines queue in a
// bounded buffer that one goroutine writes out in batches, at least every
// FlushInterval, at once when a batch is large, and in full at Close. A line
// that finds the queue full is dropped and counted in
// moat_access_log_dropped_lines_total — never lost unseen.
package accesslog

import (
	"bytes"
	"io"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	// FlushInterval is the longest a line waits to be written.
	FlushInterval = 100 * time.Millisecond
	// batchBytes is the size of a batch written before its interval is up.
	batchBytes = 64 << 10
	// queueBytes bounds what may wait: a destination that stalls costs at
	// most this much memory, and then lines, counted.
	queueBytes = 4 << 20
)

// Writer queues whole lines (each Write is one or more; slog's handlers
// write one record a call) for its goroutine to write to the destination.
type Writer struct {
	dst     io.Writer
	dropped prometheus.Counter

	mu      sync.Mutex
	pending []byte
	closed  bool

	spare   []byte // the flusher's other buffer, swapped with pending
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

// New starts a Writer in front of dst; reg (nil: none) receives its
// dropped-lines counter. Close it to write out what is queued.
func New(dst io.Writer, reg prometheus.Registerer) (*Writer, error) {
	w := &Writer{
		dst: dst,
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "moat_access_log_dropped_lines_total",
			Help: "Request log lines (access log, WAF matches) dropped because the log's queue was full or its destination failed.",
		}),
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	if reg != nil {
		if err := reg.Register(w.dropped); err != nil {
			return nil, err
		}
	}
	go w.run()
	return w, nil
}

// Write queues p. It never fails and never blocks on the destination: a
// full queue drops p and counts it. After Close, p is written at once.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return w.dst.Write(p)
	}
	if len(w.pending)+len(p) > queueBytes {
		w.mu.Unlock()
		w.dropped.Add(float64(lines(p)))
		return len(p), nil
	}
	w.pending = append(w.pending, p...)
	full := len(w.pending) >= batchBytes
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default: // a flush is already due
		}
	}
	return len(p), nil
}

func (w *Writer) run() {
	defer close(w.done)
	tick := time.NewTicker(FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-w.kick:
		case <-w.stop:
			w.flush()
			return
		}
		w.flush()
	}
}

// flush writes what is queued; only the writer's goroutine calls it, so
// the spare buffer is its own.
func (w *Writer) flush() {
	w.mu.Lock()
	batch := w.pending
	w.pending = w.spare[:0]
	w.mu.Unlock()
	if len(batch) > 0 {
		if _, err := w.dst.Write(batch); err != nil {
			w.dropped.Add(float64(lines(batch)))
		}
	}
	w.spare = batch[:0]
}

// Close writes out every queued line and stops the goroutine; later
// lines are written straight through.
func (w *Writer) Close() error {
	w.closing.Do(func() {
		close(w.stop)
		<-w.done
		w.mu.Lock()
		w.closed = true
		rest := w.pending
		w.pending = nil
		w.mu.Unlock()
		if len(rest) > 0 {
			if _, err := w.dst.Write(rest); err != nil {
				w.dropped.Add(float64(lines(rest)))
			}
		}
	})
	return nil
}

func lines(p []byte) int { return max(1, bytes.Count(p, []byte{'\n'})) }

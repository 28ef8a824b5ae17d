package password

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolBounds: no more than the workers run at once, no more than the
// queue wait, and the rest are refused without running.
func TestPoolBounds(t *testing.T) {
	p := NewPool(2, 3, time.Second)
	release := make(chan struct{})
	var running, peak, ran atomic.Int64
	work := func() {
		n := running.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		ran.Add(1)
	}
	var wg sync.WaitGroup
	var busy atomic.Int64
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Do(context.Background(), work); errors.Is(err, ErrBusy) {
				busy.Add(1)
			}
		}()
	}
	// Ten callers: two run, three queue, five are refused at once.
	deadline := time.Now().Add(5 * time.Second)
	for busy.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !p.Saturated() {
		t.Error("a full queue is not reported saturated")
	}
	close(release)
	wg.Wait()
	if p.Saturated() {
		t.Error("an idle pool is reported saturated")
	}
	if peak.Load() != 2 || ran.Load() != 5 || busy.Load() != 5 {
		t.Fatalf("peak %d workers, %d ran, %d refused; want 2, 5, 5", peak.Load(), ran.Load(), busy.Load())
	}
}

// TestPoolWait: a queued caller that gets no worker within the wait is refused.
func TestPoolWait(t *testing.T) {
	p := NewPool(1, 1, 20*time.Millisecond)
	hold := make(chan struct{})
	go p.Do(context.Background(), func() { <-hold })
	defer close(hold)
	time.Sleep(10 * time.Millisecond)
	start := time.Now()
	err := p.Do(context.Background(), func() { t.Error("ran without a worker") })
	if !errors.Is(err, ErrBusy) || time.Since(start) > time.Second {
		t.Fatalf("got %v after %s", err, time.Since(start))
	}
}

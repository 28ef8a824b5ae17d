package accesslog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/moat-dev/moat/internal/testenv"
)

// gate is a destination that holds every write until it is opened.
type gate struct {
	open chan struct{}
	got  testenv.LogBuffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	return g.got.Write(p)
}

func (g *gate) text() string { return g.got.String() }

func newWriter(t *testing.T, dst interface{ Write([]byte) (int, error) }) *Writer {
	t.Helper()
	w, err := New(dst, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// A line reaches the destination within the flush interval, written by
// the writer's goroutine, not by the request that logged it.
func TestLinesArriveWithinTheInterval(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	w := newWriter(t, g)
	start := time.Now()
	w.Write([]byte("one\n"))
	if waited := time.Since(start); waited > 50*time.Millisecond {
		t.Fatalf("Write waited %s on a stalled destination", waited)
	}
	close(g.open)
	for g.text() != "one\n" {
		if time.Since(start) > FlushInterval+time.Second {
			t.Fatalf("after %s the destination has %q", time.Since(start), g.text())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A destination that stalls fills the queue: later lines are dropped and
// counted, and every line is either written or counted.
func TestFullQueueDropsAndCounts(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	w := newWriter(t, g)
	line := strings.Repeat("x", 1023) + "\n"
	const total = 2 * queueBytes / 1024
	for range total {
		w.Write([]byte(line))
	}
	dropped := testutil.ToFloat64(w.dropped)
	if dropped == 0 {
		t.Fatalf("%d KiB queued behind a stalled destination and nothing was dropped", total)
	}
	close(g.open)
	w.Close()
	written := strings.Count(g.text(), "\n")
	if written+int(dropped) != total || written == 0 {
		t.Errorf("%d written + %.0f dropped, want %d in all", written, dropped, total)
	}
}

// Close writes out what is queued, in order; a line after Close is
// written at once.
func TestCloseWritesEverything(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	close(g.open)
	w := newWriter(t, g)
	var want strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&want, "line %d\n", i)
		fmt.Fprintf(w, "line %d\n", i)
	}
	w.Close()
	if g.text() != want.String() {
		t.Fatalf("after Close the destination has %d bytes, want %d", len(g.text()), want.Len())
	}
	w.Write([]byte("late\n"))
	if !strings.HasSuffix(g.text(), "line 999\nlate\n") {
		t.Errorf("a line after Close was not written through")
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// Lines a destination refuses are counted as dropped.
func TestFailedWritesCount(t *testing.T) {
	w := newWriter(t, failing{})
	w.Write([]byte("a\nb\n"))
	w.Write([]byte("c\n"))
	w.Close()
	if n := testutil.ToFloat64(w.dropped); n != 3 {
		t.Errorf("dropped %v, want 3", n)
	}
}

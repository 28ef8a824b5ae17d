package fanout

import "testing"

func TestHubSendsByKeyAndNeverBlocks(t *testing.T) {
	var h Hub[int]
	if h.Watched() {
		t.Fatal("a new hub is watched")
	}
	a, b := make(chan int, 1), make(chan int, 1)
	stopA := h.Watch("a", a)
	stopB := h.Watch("b", b)
	h.Publish("a", 1)
	h.Publish("a", 2) // a's buffer is full: dropped, not waited for
	h.Publish("c", 3)
	if got := <-a; got != 1 || len(a) != 0 || len(b) != 0 {
		t.Fatalf("a got %d (then %d more), b %d", got, len(a), len(b))
	}
	stopA()
	stopA() // stopping twice is harmless
	h.Publish("a", 4)
	if len(a) != 0 || !h.Watched() {
		t.Fatalf("a stopped but got %d; watched %v", len(a), h.Watched())
	}
	stopB()
	if h.Watched() {
		t.Fatal("watched with no watchers")
	}
}

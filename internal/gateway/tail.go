package gateway

import (
	"sync"
	"sync/atomic"
	"time"
)

// AccessRecord is one finished request as the access log tells it, with
// the refusal a 4xx or 5xx was answered for: what the console's live tail
// shows. Like the log line it holds no token, header value or query.
type AccessRecord struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	API       string    `json:"api"`
	Stage     string    `json:"stage"`
	Route     string    `json:"route"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Status    int       `json:"status"`
	LatencyMS float64   `json:"latencyMs"`
	Principal string    `json:"principal"`
	APIKeyID  string    `json:"apiKeyId"`
	// ErrorType is the gateway response type refused or failed with
	// (ACCESS_DENIED, UNAUTHORIZED, …); Reason says why, as the debug log does.
	ErrorType string `json:"errorType,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// tail hands access records to whoever watches an API. Records are
// dropped for a watcher that falls behind: a slow browser never slows
// the gateway.
type tail struct {
	watching atomic.Int32 // lets record skip building a record nobody reads
	mu       sync.Mutex
	watchers map[*watcher]struct{}
}

type watcher struct {
	api string
	ch  chan<- AccessRecord
}

// Watch sends the records of the API named api to ch (without blocking,
// dropping what ch has no room for) until stop is called.
func (g *Gateway) Watch(api string, ch chan<- AccessRecord) (stop func()) {
	t := &g.tail
	w := &watcher{api: api, ch: ch}
	t.mu.Lock()
	if t.watchers == nil {
		t.watchers = map[*watcher]struct{}{}
	}
	t.watchers[w] = struct{}{}
	t.watching.Add(1)
	t.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.watchers, w)
			t.watching.Add(-1)
			t.mu.Unlock()
		})
	}
}

func (t *tail) publish(rec AccessRecord) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for w := range t.watchers {
		if w.api != rec.API {
			continue
		}
		select {
		case w.ch <- rec:
		default:
		}
	}
}

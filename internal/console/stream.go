package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// streamHeartbeat keeps an idle stream's proxies from timing it out.
const streamHeartbeat = 15 * time.Second

// stream sends what watch delivers as server-sent events named event, one
// JSON value each, from now until the page goes away or the session ends
// (signed out, or idle: the stream itself is not a use). name says what
// is watched, in the stream's first comment.
func stream[T any](c *Console, w http.ResponseWriter, r *http.Request, rq *request, name, event string, watch func(chan<- T) (stop func())) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the listener's write timeout
	values := make(chan T, 256)
	defer watch(values)()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": watching "+name+"\n\n")
	if rc.Flush() != nil {
		return
	}
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			fmt.Fprint(w, ": heartbeat\n\n")
		case v := <-values:
			b, _ := json.Marshal(v) // plain strings and numbers
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		}
		if !c.sessions.alive(rq.token) {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

package console

import (
	"net/http"
	"time"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/store"
)

// recentEvents is how many of the outbox's latest events the page lists.
const recentEvents = 50

type eventsData struct {
	Recent  []store.OutboxEvent
	Pending []store.EventHold // failing or queued behind a failure
	Dead    []events.DeadLetter
}

func (c *Console) eventsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	v := &view{Title: "Events", Section: "events"}
	d := &eventsData{}
	v.Data = d
	last, err := c.cfg.Store.LastEventSeq(ctx)
	if err == nil {
		d.Recent, err = c.cfg.Store.ListEvents(ctx, max(0, last-recentEvents), recentEvents)
	}
	if err == nil {
		d.Pending, err = c.cfg.Store.ListEventHolds(ctx, "", false)
	}
	if err == nil {
		d.Dead, err = events.DeadLetters(ctx, c.cfg.Store, "")
	}
	if err != nil {
		v.Flash = flash{Text: errorText(err), Error: true}
	}
	for i, j := 0, len(d.Recent)-1; i < j; i, j = i+1, j-1 {
		d.Recent[i], d.Recent[j] = d.Recent[j], d.Recent[i] // newest first
	}
	c.show(w, r, rq, "events", v)
}

// redrive gives a dead letter a fresh round of delivery attempts.
func (c *Console) redrive(w http.ResponseWriter, r *http.Request, rq *request) error {
	target, id := r.PostFormValue("target"), r.PostFormValue("eventId")
	if target == "" || id == "" {
		return badInput("Choose a dead letter to retry.")
	}
	if _, err := events.Redrive(r.Context(), c.cfg.Store, target, id, time.Now()); err != nil {
		return badInput("%v", err)
	}
	return c.done(w, r, rq, Prefix+"/events", "Event "+id+" will be delivered to "+target+" again.")
}

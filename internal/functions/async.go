package functions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Event invocations: queued in the store, so they survive a restart and
// any replica may run them, then tried up to three times as Lambda does.
const (
	eventAttempts  = 3
	eventLease     = maxTimeout*time.Second + initTimeout + time.Minute // longer than any attempt
	eventWorkers   = 4
	eventPollEvery = time.Second
)

// InvokeAsync queues an Event invocation and returns its request id.
func (r *Runtime) InvokeAsync(ctx context.Context, function string, payload []byte) (string, error) {
	return r.enqueue(ctx, function, payload, func(*invocable) error { return nil })
}

// InvokeFunctionAsync queues an Event invocation for a service, as
// InvokeFunction runs one: the function's AddPermission statements, when
// it has a policy, must allow principal from sourceARN.
func (r *Runtime) InvokeFunctionAsync(ctx context.Context, principal, function, sourceARN string, payload []byte) (string, error) {
	return r.enqueue(ctx, function, payload, func(c *invocable) error { return r.authorize(c, principal, sourceARN) })
}

// enqueue is every Event invocation: the payload checked, the function
// found and admitted, the event stored for the dispatcher.
func (r *Runtime) enqueue(ctx context.Context, function string, payload []byte, admit func(*invocable) error) (string, error) {
	payload, err := checkPayload(payload, MaxEventPayload)
	if err != nil {
		return "", err
	}
	c, _, err := r.lookup(ctx, function)
	if err != nil {
		return "", err
	}
	if err := admit(c); err != nil {
		return "", err
	}
	now := time.Now().UnixMilli()
	e := store.FunctionEvent{ID: uuid.NewString(), Function: c.fn.Name, Payload: payload, NextAttemptAt: now, CreatedAt: now}
	if err := r.store.EnqueueFunctionEvent(ctx, e); err != nil {
		return "", awserr.Internal(err)
	}
	select {
	case r.queued <- struct{}{}:
	default:
	}
	return e.ID, nil
}

// dispatch runs due events, a few at a time, until ctx ends.
func (r *Runtime) dispatch(ctx context.Context) {
	slots := make(chan struct{}, eventWorkers)
	t := time.NewTicker(eventPollEvery)
	defer t.Stop()
	for {
		for {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			now := time.Now()
			e, ok, err := r.store.ClaimFunctionEvent(ctx, now.UnixMilli(), now.Add(eventLease).UnixMilli())
			if err != nil && ctx.Err() == nil {
				r.logger.Error("claim function event", "error", err)
			}
			if !ok {
				<-slots
				break
			}
			r.background.Add(1)
			go func() {
				defer r.background.Done()
				defer func() { <-slots }()
				r.runEvent(ctx, e)
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.queued:
		}
	}
}

// runEvent runs one claimed event, then deletes it or schedules its retry.
func (r *Runtime) runEvent(ctx context.Context, e store.FunctionEvent) {
	fn, err := r.store.GetFunction(ctx, e.Function)
	if err != nil {
		return // deleted with its function, or the store is away: the lease brings it back
	}
	res, err := r.run(ctx, fn, reference{name: fn.Name}, e.Payload, "", false)
	if ctx.Err() != nil {
		return // shutting down: the lease brings it back
	}
	if err == nil && res.outcome == succeeded {
		if err := r.store.DeleteFunctionEvent(ctx, e.ID); err != nil {
			r.logger.Error("delete function event", "function", fn.Name, "event", e.ID, "error", err)
		}
		return
	}
	why := ""
	if err != nil {
		why = err.Error()
	} else {
		why = summary(res.payload)
	}
	if e.Attempts >= eventAttempts {
		r.logger.Warn("function event dropped after its last attempt", "function", fn.Name, "event", e.ID, "attempts", e.Attempts, "error", why)
		if err := r.store.DeleteFunctionEvent(ctx, e.ID); err != nil {
			r.logger.Error("delete function event", "function", fn.Name, "event", e.ID, "error", err)
		}
		return
	}
	next := time.Now().Add(r.retryDelay << (e.Attempts - 1))
	if err := r.store.RetryFunctionEvent(ctx, e.ID, next.UnixMilli(), why); err != nil {
		r.logger.Error("retry function event", "function", fn.Name, "event", e.ID, "error", err)
	}
}

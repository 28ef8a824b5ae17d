package sqlstore

import (
	"context"
	"errors"

	"github.com/moat-dev/moat/internal/store"
)

func (s *Store) EnqueueFunctionEvent(ctx context.Context, e store.FunctionEvent) error {
	_, err := s.writer().exec(ctx, `INSERT INTO function_events (id, function_name, payload, attempts, next_attempt_at, last_error, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Function, e.Payload, e.Attempts, e.NextAttemptAt, e.LastError, e.CreatedAt)
	return constraintError(err, "function "+e.Function)
}

// ClaimFunctionEvent moves the due event's next attempt to the lease's end
// only if no other replica moved it first, so one claimer wins.
func (s *Store) ClaimFunctionEvent(ctx context.Context, now, leaseUntil int64) (store.FunctionEvent, bool, error) {
	for {
		var e store.FunctionEvent
		err := s.reader().queryRow(ctx, `SELECT id, function_name, payload, attempts, next_attempt_at, last_error, created_at
			FROM function_events WHERE next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT 1`, now).
			Scan(&e.ID, &e.Function, &e.Payload, &e.Attempts, &e.NextAttemptAt, &e.LastError, &e.CreatedAt)
		if errors.Is(notFound(err, ""), store.ErrNotFound) {
			return e, false, nil
		}
		if err != nil {
			return e, false, err
		}
		res, err := s.writer().exec(ctx, `UPDATE function_events SET attempts = attempts + 1, next_attempt_at = ?
			WHERE id = ? AND next_attempt_at = ?`, leaseUntil, e.ID, e.NextAttemptAt)
		if err := expectOne(res, err, ""); errors.Is(err, store.ErrNotFound) {
			continue // another replica claimed it
		} else if err != nil {
			return e, false, err
		}
		e.Attempts++
		e.NextAttemptAt = leaseUntil
		return e, true, nil
	}
}

func (s *Store) RetryFunctionEvent(ctx context.Context, id string, nextAttemptAt int64, lastError string) error {
	res, err := s.writer().exec(ctx, `UPDATE function_events SET next_attempt_at = ?, last_error = ? WHERE id = ?`, nextAttemptAt, lastError, id)
	return expectOne(res, err, "function event "+id)
}

func (s *Store) DeleteFunctionEvent(ctx context.Context, id string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM function_events WHERE id = ?`, id)
	return expectOne(res, err, "function event "+id)
}

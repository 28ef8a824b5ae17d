package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

const outboxColumns = `seq, id, stream, body, created_at`

func scanOutboxEvent(row scanner) (e store.OutboxEvent, err error) {
	return e, row.Scan(&e.Seq, &e.ID, &e.Stream, &e.Body, &e.CreatedAt)
}

// AppendEvent inserts under the dialect's append lock, in a transaction of
// its own or the caller's, so sequence numbers become visible in order.
func (s *Store) AppendEvent(ctx context.Context, e store.OutboxEvent) error {
	return s.AppendEvents(ctx, []store.OutboxEvent{e})
}

// eventsPerInsert keeps a bulk append's statements under both engines'
// limit on bound parameters.
const eventsPerInsert = 1000

func (s *Store) AppendEvents(ctx context.Context, es []store.OutboxEvent) error {
	return s.inTx(ctx, func(tx conn) error {
		if s.dialect.appendLock != "" {
			if _, err := tx.exec(ctx, s.dialect.appendLock); err != nil {
				return err
			}
		}
		for start := 0; start < len(es); start += eventsPerInsert {
			chunk := es[start:min(start+eventsPerInsert, len(es))]
			args := make([]any, 0, 4*len(chunk))
			for _, e := range chunk {
				args = append(args, e.ID, e.Stream, e.Body, e.CreatedAt)
			}
			_, err := tx.exec(ctx, `INSERT INTO event_outbox (id, stream, body, created_at) VALUES (?, ?, ?, ?)`+
				strings.Repeat(", (?, ?, ?, ?)", len(chunk)-1), args...)
			if err != nil {
				return constraintError(err, "event "+chunk[0].ID)
			}
		}
		return nil
	})
}

func (s *Store) ListEvents(ctx context.Context, after int64, limit int) ([]store.OutboxEvent, error) {
	rows, err := s.reader().query(ctx, `SELECT `+outboxColumns+` FROM event_outbox WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOutboxEvent)
}

func (s *Store) LastEventSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := s.reader().queryRow(ctx, `SELECT MAX(seq) FROM event_outbox`).Scan(&seq)
	return seq.Int64, err
}

func (s *Store) GetEventCursor(ctx context.Context, target string) (int64, error) {
	var seq int64
	err := s.reader().queryRow(ctx, `SELECT seq FROM event_cursors WHERE target = ?`, target).Scan(&seq)
	return seq, notFound(err, "event target "+target)
}

func (s *Store) SetEventCursor(ctx context.Context, target string, seq int64) error {
	_, err := s.writer().exec(ctx, `INSERT INTO event_cursors (target, seq) VALUES (?, ?)
		ON CONFLICT (target) DO UPDATE SET seq = excluded.seq`, target, seq)
	return err
}

func (s *Store) PutEventHold(ctx context.Context, h store.EventHold) error {
	_, err := s.writer().exec(ctx, `INSERT INTO event_holds (target, seq, stream, attempts, next_attempt_at, last_error, dead_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (target, seq) DO UPDATE SET stream = excluded.stream, attempts = excluded.attempts,
			next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error, dead_at = excluded.dead_at`,
		h.Target, h.Seq, h.Stream, h.Attempts, h.NextAttemptAt, h.LastError, h.DeadAt)
	return err
}

func (s *Store) DeleteEventHold(ctx context.Context, target string, seq int64) error {
	res, err := s.writer().exec(ctx, `DELETE FROM event_holds WHERE target = ? AND seq = ?`, target, seq)
	return expectOne(res, err, "event hold")
}

func (s *Store) ListEventHolds(ctx context.Context, target string, dead bool) ([]store.EventHold, error) {
	where := `h.dead_at = 0`
	if dead {
		where = `h.dead_at <> 0`
	}
	args := []any{}
	if target != "" {
		where += ` AND h.target = ?`
		args = append(args, target)
	}
	rows, err := s.reader().query(ctx, `SELECT h.target, h.seq, h.stream, h.attempts, h.next_attempt_at, h.last_error, h.dead_at,
		e.seq, e.id, e.stream, e.body, e.created_at
		FROM event_holds h JOIN event_outbox e ON e.seq = h.seq WHERE `+where+` ORDER BY h.seq, h.target`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (h store.EventHold, err error) {
		ev := &h.Event
		return h, row.Scan(&h.Target, &h.Seq, &h.Stream, &h.Attempts, &h.NextAttemptAt, &h.LastError, &h.DeadAt,
			&ev.Seq, &ev.ID, &ev.Stream, &ev.Body, &ev.CreatedAt)
	})
}

func (s *Store) PruneEvents(ctx context.Context, through, createdBefore int64) (int64, error) {
	res, err := s.writer().exec(ctx, `DELETE FROM event_outbox WHERE seq <= ? AND created_at < ?
		AND NOT EXISTS (SELECT 1 FROM event_holds h WHERE h.seq = event_outbox.seq)`, through, createdBefore)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// TakeLease claims the row when it is free or expired or already the
// holder's; inside a transaction the updated row stays locked (PostgreSQL)
// or the single writer is held (SQLite), which fences other holders.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now, until int64) (bool, error) {
	w := s.writer()
	res, err := w.exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`, name, holder, until, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.writer().exec(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	return err
}

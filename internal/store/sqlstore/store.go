// Package sqlstore implements store.Store once, in portable SQL over
// database/sql, for SQLite (modernc.org/sqlite) and PostgreSQL (pgx). The two
// engines differ only in what dialect captures: placeholders, row locks, how
// constraint violations are reported and the schema's type names.
//
// Updater functions run inside a transaction holding the row: SELECT … FOR
// UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite's single writer connection.
// An updater therefore must not call write methods of the same Store (it
// would wait on itself). An updater that changes a key field (a pool's ID, a
// client's PoolID/ID, a group's PoolID/Name, a user's PoolID/Key, a signing
// key's PoolID/KID) is rejected with an error and nothing changes.
//
// Given a master key (WithMasterKey), the store seals every secret it holds
// (settings, client secrets, signing keys) on write and opens them on read;
// see sealed.go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
)

// Store is a store.Store on SQLite or PostgreSQL.
type Store struct {
	dialect dialect
	// read serves single-statement reads; write serves writes and transactions.
	// On PostgreSQL they are the same pool. On SQLite write holds one
	// connection, so writers queue in Go instead of spinning on the file lock,
	// while WAL lets the read pool proceed alongside.
	read, write *sql.DB
	// reads is what single-statement reads run on: read itself, or on
	// SQLite read with its statements kept prepared.
	reads      querier
	closeExtra func() // releases what sits beneath the *sql.DB (the pgx pool)
	// seal seals and opens secret columns; nil leaves them as written.
	seal *sealer
	// tx is set on the Store that Atomic hands its function: every method
	// then runs inside that transaction.
	tx *txn
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*options)

type options struct{ master sealing.MasterKey }

// WithMasterKey seals secrets at rest under master (see sealed.go). Without
// it secrets are stored as written, and a database already sealed is refused.
func WithMasterKey(master sealing.MasterKey) Option {
	return func(o *options) { o.master = master }
}

func collectOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// ready finishes opening: the schema is migrated, so the sealer can load its
// data keys and seal what an older moat left in plaintext.
func (s *Store) ready(ctx context.Context, o options) error {
	seal, err := loadSealer(ctx, s.writer(), o.master)
	if err != nil {
		return err
	}
	s.seal = seal
	if seal != nil {
		return s.sealPlaintext(ctx)
	}
	return nil
}

// Close releases the connection pools.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("sqlstore: Close called on the store Atomic handed its function")
	}
	var err error
	if p, ok := s.reads.(*preparedReads); ok {
		err = p.Close()
	}
	err = errors.Join(err, s.write.Close())
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.closeExtra != nil {
		s.closeExtra()
	}
	return err
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs portable SQL (with ? placeholders) on a querier in the store's
// dialect, sealing and opening secrets with seal.
type conn struct {
	q    querier
	d    dialect
	seal *sealer
	// guard, set for statements run directly inside Atomic on an engine
	// where a failed statement aborts the transaction (PostgreSQL), wraps
	// each write in a savepoint: a refused insert is then an error the
	// caller may handle, as on SQLite, not the end of the transaction.
	guard *txn
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.guard != nil {
		var res sql.Result
		err := c.guard.savepoint(ctx, func() error {
			var err error
			res, err = c.q.ExecContext(ctx, c.d.rebind(query), args...)
			return err
		})
		return res, err
	}
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

func (s *Store) reader() conn {
	if s.tx != nil {
		return s.tx.conn(s, true)
	}
	return conn{q: s.reads, d: s.dialect, seal: s.seal}
}

func (s *Store) writer() conn {
	if s.tx != nil {
		return s.tx.conn(s, true)
	}
	return conn{q: s.write, d: s.dialect, seal: s.seal}
}

// inTx runs fn atomically, committing when fn returns nil: in a write
// transaction of its own, or inside Atomic in a savepoint of the outer one.
// fn's error comes back as it was (updaters' errors are the caller's); a
// failed rollback adds nothing, as the transaction is abandoned either way.
func (s *Store) inTx(ctx context.Context, fn func(tx conn) error) error {
	if s.tx != nil {
		return s.tx.savepoint(ctx, func() error { return fn(s.tx.conn(s, false)) })
	}
	return s.transaction(ctx, func(tx *sql.Tx) error { return fn(conn{q: tx, d: s.dialect, seal: s.seal}) })
}

// transaction runs fn in a write transaction, committing when it returns
// nil. A panic in fn (or a test's FailNow) rolls back too, so the writer
// connection never stays taken.
func (s *Store) transaction(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	committed = true
	return tx.Commit()
}

// Atomic runs fn in one transaction: on SQLite on the single writer
// connection (so it queues with other writers, and readers outside it keep
// seeing the last commit), on PostgreSQL in a READ COMMITTED transaction.
// Called on the Store fn receives, it joins the transaction in a savepoint.
func (s *Store) Atomic(ctx context.Context, fn func(tx store.Store) error) error {
	if s.tx != nil {
		return s.tx.savepoint(ctx, func() error { return fn(s) })
	}
	return s.transaction(ctx, func(tx *sql.Tx) error {
		inner := *s
		inner.tx = &txn{tx: tx, abortsOnError: s.dialect.abortsOnError}
		return fn(&inner)
	})
}

// txn is the transaction of one Atomic call.
type txn struct {
	tx            *sql.Tx
	abortsOnError bool
	savepoints    atomic.Int64 // names savepoints uniquely within the transaction
}

func (t *txn) conn(s *Store, direct bool) conn {
	c := conn{q: t.tx, d: s.dialect, seal: s.seal}
	if direct && t.abortsOnError {
		c.guard = t
	}
	return c
}

// savepoint runs fn so that its statements are undone, and the transaction
// stays usable, when it fails.
func (t *txn) savepoint(ctx context.Context, fn func() error) error {
	name := fmt.Sprintf("moat_sp%d", t.savepoints.Add(1))
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return err
	}
	released := false
	defer func() {
		if !released {
			_, _ = t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name)
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	released = true
	_, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
	return err
}

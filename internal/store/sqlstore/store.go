// Package sqlstore implements store.Store once, in portable SQL over
// database/sql, for SQLite (modernc.org/sqlite) and PostgreSQL (pgx). The two
// engines differ only in what dialect captures: placeholders, row locks and
// how constraint violations are reported.
//
// Updater functions run inside a transaction holding the row: SELECT … FOR
// UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite's single writer connection.
// An updater therefore must not call write methods of the same Store (it
// would wait on itself). An updater that changes a key field (a pool's ID, a
// client's PoolID/ID, a group's PoolID/Name, a user's PoolID/Key, a signing
// key's PoolID/KID) is rejected with an error and nothing changes.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"

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
	closeExtra  func() // releases what sits beneath the *sql.DB (the pgx pool)
}

var _ store.Store = (*Store)(nil)

// Close releases the connection pools.
func (s *Store) Close() error {
	err := s.write.Close()
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

// conn runs portable SQL (with ? placeholders) on a querier in the store's dialect.
type conn struct {
	q querier
	d dialect
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

func (s *Store) reader() conn { return conn{q: s.read, d: s.dialect} }
func (s *Store) writer() conn { return conn{q: s.write, d: s.dialect} }

// inTx runs fn in a write transaction, committing when fn returns nil. fn's
// error comes back as it was (updaters' errors are the caller's); a failed
// rollback adds nothing, as the transaction is abandoned either way.
func (s *Store) inTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn{q: tx, d: s.dialect}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

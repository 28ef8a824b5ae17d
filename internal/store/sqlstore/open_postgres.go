package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3/lock"
)

// OpenPostgres connects to the PostgreSQL database at url and migrates it.
// Many processes may start at once: migrations run under an advisory lock.
func OpenPostgres(ctx context.Context, url string, opts ...Option) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{dialect: postgresDialect, read: db, write: db, reads: db, closeExtra: pool.Close}
	// Poll the lock every second (goose's default is 5 s) for up to 5 minutes.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := migrate(ctx, db, postgresDialect, locker); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.ready(ctx, collectOptions(opts)); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/moat-dev/moat/internal/store"
)

// constraintError maps a driver's constraint violation to the store's errors:
// a duplicate is ErrAlreadyExists, a dangling reference (the pool, user or
// group named does not exist) is ErrNotFound. Other errors pass through.
func constraintError(err error, what string) error {
	if err == nil {
		return nil
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
	}
	return err
}

// notFound turns sql.ErrNoRows into store.ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

// expectOne reports ErrNotFound when a write by key touched no row.
func expectOne(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// keyChanged is the error for an updater that tried to move a row to another key.
func keyChanged(what, field string) error {
	return fmt.Errorf("%s: an update may not change %s", what, field)
}

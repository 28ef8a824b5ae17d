package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

// collect scans every row with scan and closes rows. An empty result is a
// non-nil empty slice, the same on both engines.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Parents a listing can name; each query selects the row by its key.
const (
	poolExists  = `SELECT 1 FROM user_pools WHERE id = ?`
	userExists  = `SELECT 1 FROM users WHERE pool_id = ? AND user_key = ?`
	groupExists = `SELECT 1 FROM user_groups WHERE pool_id = ? AND name = ?`
)

// requireParent returns ErrNotFound unless the query finds a row. Listings
// call it only when they come back empty, to tell "none" from "no such parent".
func requireParent(ctx context.Context, c conn, what, query string, args ...any) error {
	var one int
	err := c.queryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

// listUnder collects a listing and, when it is empty, checks that its parent exists.
func listUnder[T any](ctx context.Context, c conn, scan func(scanner) (T, error), parent, parentQuery string, parentArgs []any, query string, args ...any) ([]T, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scan)
	if err != nil || len(out) > 0 {
		return out, err
	}
	return out, requireParent(ctx, c, parent, parentQuery, parentArgs...)
}

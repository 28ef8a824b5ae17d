package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// table is the row mapping of one aggregate kept in one table: which
// columns form its key, how a value becomes a row and back, and which of
// its fields an updater may not change. Its methods are the CRUD every such
// aggregate shares, so each store file only says what is particular to it.
type table[T any] struct {
	name    string   // SQL table
	what    string   // the aggregate's name in errors: "user pool"
	keys    []string // key columns, a prefix of columns
	columns []string // every column, keys first, in the order of row and scan
	row     func(T) []any
	scan    func(scanner) (T, error)
	// frozen lists values besides the key an updater may not change;
	// frozenNames names them and the key, for the error.
	frozen      func(T) []any
	frozenNames string
	// secret, when set, is the field sealed at rest in column secretColumn.
	secret       func(*T) *string
	secretColumn string
	// quietKey keeps the key out of error messages (a refresh token's hash).
	quietKey bool
}

func (t *table[T]) selectFrom() string {
	return `SELECT ` + strings.Join(t.columns, ", ") + ` FROM ` + t.name
}

func (t *table[T]) byKey() string {
	return strings.Join(t.keys, " = ? AND ") + " = ?"
}

// label names one row in errors: the aggregate and its last key value.
func (t *table[T]) label(key []any) string {
	if t.quietKey || len(key) == 0 {
		return t.what
	}
	return fmt.Sprint(t.what, " ", key[len(key)-1])
}

func (t *table[T]) keyOf(v T) []any { return t.row(v)[:len(t.keys)] }

// sealed returns v with its secret sealed for the row it goes to.
func (t *table[T]) sealed(c conn, v T) (T, error) {
	if t.secret == nil {
		return v, nil
	}
	p := t.secret(&v)
	sealed, err := c.seal.sealValue(t.place(t.keyOf(v)), *p)
	*p = sealed
	return v, err
}

// opened returns v, as read, with its secret opened.
func (t *table[T]) opened(c conn, v T, err error) (T, error) {
	if err != nil || t.secret == nil {
		return v, err
	}
	p := t.secret(&v)
	*p, err = c.seal.openValue(t.place(t.keyOf(v)), *p)
	return v, err
}

// place is the column a secret lives in, for binding its ciphertext.
func (t *table[T]) place(key []any) place {
	return place{table: t.name, column: t.secretColumn, keys: t.keys, key: key}
}

// sealedColumn describes the table's secret column for sealing in bulk.
func (t *table[T]) sealedColumn() sealedColumn {
	return sealedColumn{table: t.name, keys: t.keys, column: t.secretColumn}
}

func (t *table[T]) scanOpen(c conn) func(scanner) (T, error) {
	return func(row scanner) (T, error) {
		v, err := t.scan(row)
		return t.opened(c, v, err)
	}
}

func (t *table[T]) insert(ctx context.Context, c conn, v T) error {
	v, err := t.sealed(c, v)
	if err != nil {
		return err
	}
	marks := strings.Repeat("?, ", len(t.columns)-1) + "?"
	_, err = c.exec(ctx, `INSERT INTO `+t.name+` (`+strings.Join(t.columns, ", ")+`) VALUES (`+marks+`)`, t.row(v)...)
	return constraintError(err, t.label(t.keyOf(v)))
}

// get reads the row with key; lock is "" or the dialect's row lock.
func (t *table[T]) get(ctx context.Context, c conn, lock string, key ...any) (T, error) {
	v, err := t.scanOpen(c)(c.queryRow(ctx, t.selectFrom()+` WHERE `+t.byKey()+lock, key...))
	return v, notFound(err, t.label(key))
}

// find reads the one row where holds (a unique column other than the key).
func (t *table[T]) find(ctx context.Context, c conn, what, where string, args ...any) (T, error) {
	v, err := t.scanOpen(c)(c.queryRow(ctx, t.selectFrom()+` WHERE `+where, args...))
	return v, notFound(err, what)
}

// list reads the rows where holds ("" for all), in order.
func (t *table[T]) list(ctx context.Context, c conn, where, order string, args ...any) ([]T, error) {
	q := t.selectFrom()
	if where != "" {
		q += ` WHERE ` + where
	}
	rows, err := c.query(ctx, q+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, t.scanOpen(c))
}

// listUnder is list for rows of a parent: empty, it checks the parent exists.
func (t *table[T]) listUnder(ctx context.Context, c conn, parent, parentQuery string, parentArgs []any, where, order string, args ...any) ([]T, error) {
	return listUnder(ctx, c, t.scanOpen(c), parent, parentQuery, parentArgs,
		t.selectFrom()+` WHERE `+where+` ORDER BY `+order, args...)
}

// listInPool is listUnder for rows a user pool owns, in order: a missing
// pool is ErrNotFound, not an empty list.
func (t *table[T]) listInPool(ctx context.Context, c conn, poolID, order string) ([]T, error) {
	return t.listUnder(ctx, c, "user pool "+poolID, poolExists, []any{poolID}, `pool_id = ?`, order, poolID)
}

// listOfUser is listUnder for rows a user owns (keyed pool_id, user_key),
// in order: a missing user is ErrNotFound, not an empty list.
func (t *table[T]) listOfUser(ctx context.Context, c conn, poolID, userKey, order string) ([]T, error) {
	return t.listUnder(ctx, c, "user "+userKey, userExists, []any{poolID, userKey}, `pool_id = ? AND user_key = ?`, order, poolID, userKey)
}

// update is the updater pattern: the row is read under lock, changed by
// update, checked for frozen fields and written back, all in one transaction.
func (t *table[T]) update(ctx context.Context, s *Store, key []any, update func(T) (T, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		_, err := t.updateIn(ctx, s, tx, key, update)
		return err
	})
}

// updateIn is update inside a transaction the caller holds, for writes
// that must land with the row's; it returns the row as written.
func (t *table[T]) updateIn(ctx context.Context, s *Store, tx conn, key []any, update func(T) (T, error)) (T, error) {
	old, err := t.get(ctx, tx, s.dialect.forUpdate, key...)
	if err != nil {
		return old, err
	}
	v, err := update(old)
	if err != nil {
		return v, err
	}
	if !slices.Equal(t.keyOf(v), t.keyOf(old)) || t.frozen != nil && !slices.Equal(t.frozen(v), t.frozen(old)) {
		return v, keyChanged(t.label(key), t.frozenNames)
	}
	written := v
	if v, err = t.sealed(tx, v); err != nil {
		return v, err
	}
	set := strings.Join(t.columns[len(t.keys):], " = ?, ") + " = ?"
	_, err = tx.exec(ctx, `UPDATE `+t.name+` SET `+set+` WHERE `+t.byKey(), append(t.row(v)[len(t.keys):], key...)...)
	return written, err
}

func (t *table[T]) delete(ctx context.Context, c conn, key ...any) error {
	res, err := c.exec(ctx, `DELETE FROM `+t.name+` WHERE `+t.byKey(), key...)
	return expectOne(res, err, t.label(key))
}

package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/sealing"
)

// Secrets at rest. The database keeps one data key (data_keys), wrapped
// under the master key the operator holds outside it; secret columns hold
// envelopes sealed with the data key and bound to their table, column and
// row. Opening with a master key that does not unwrap the data key fails
// before anything is read or written, so a replica with the wrong key cannot
// corrupt a shared database. Rotating the master key rewraps the data key:
// the sealed rows stay as they are.

// sealedColumns are every column that holds a secret.
var sealedColumns = []sealedColumn{
	{table: "settings", keys: []string{"name"}, column: "value"}, // server keys, admin credentials
	clients.sealedColumn(),
	signingKeys.sealedColumn(),
	userSecrets.sealedColumn(),
	identityProviders.sealedColumn(),
	functions.sealedColumn(),
}

type sealedColumn struct {
	table  string
	keys   []string
	column string
}

// place is where one sealed value lives; its ciphertext opens only there.
type place struct {
	table, column string
	keys          []string
	key           []any
}

func (p place) aad() []byte {
	var b strings.Builder
	b.WriteString(p.table + "\x00" + p.column)
	for i, k := range p.keys {
		fmt.Fprintf(&b, "\x00%s=%v", k, p.key[i])
	}
	return []byte(b.String())
}

// sealer holds the database's open data keys.
type sealer struct {
	current sealing.DataKey
	keys    map[string]sealing.DataKey
}

// firstDataKey is the ID every replica gives the data key it creates, so
// concurrent first starts collide and agree on one.
const firstDataKey = "1"

// loadSealer unwraps the database's data keys under master, creating the
// first when the database has none. Without a master key it returns nil,
// unless the database is sealed.
func loadSealer(ctx context.Context, c conn, master sealing.MasterKey) (*sealer, error) {
	wrapped, err := dataKeys(ctx, c)
	if err != nil {
		return nil, err
	}
	if master.IsZero() {
		if len(wrapped) > 0 {
			return nil, fmt.Errorf("sqlstore: this database is sealed under master key id %s: give that key with --master-key-file or MOAT_MASTER_KEY", wrapped[0].masterID)
		}
		return nil, nil
	}
	if len(wrapped) == 0 {
		_, w, err := master.WrapDataKey(firstDataKey)
		if err != nil {
			return nil, err
		}
		if _, err := c.exec(ctx, `INSERT INTO data_keys (id, master_key_id, wrapped, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			firstDataKey, master.ID(), w, time.Now().Unix()); err != nil {
			return nil, err
		}
		if wrapped, err = dataKeys(ctx, c); err != nil {
			return nil, err
		}
	}
	s := &sealer{keys: map[string]sealing.DataKey{}}
	for _, w := range wrapped {
		dk, err := master.UnwrapDataKey(w.id, w.wrapped)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		s.keys[w.id], s.current = dk, dk
	}
	return s, nil
}

type wrappedKey struct{ id, masterID, wrapped string }

func dataKeys(ctx context.Context, c conn) ([]wrappedKey, error) {
	rows, err := c.query(ctx, `SELECT id, master_key_id, wrapped FROM data_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (wrappedKey, error) {
		var w wrappedKey
		return w, row.Scan(&w.id, &w.masterID, &w.wrapped)
	})
}

// sealValue seals a secret for p. Empty stays empty: it hides nothing (a
// public client has no secret) and keeps "none" testable.
func (s *sealer) sealValue(p place, value string) (string, error) {
	if s == nil || value == "" {
		return value, nil
	}
	return s.current.Seal([]byte(value), p.aad()), nil
}

// openValue opens a secret read from p.
func (s *sealer) openValue(p place, value string) (string, error) {
	switch {
	case value == "":
		return value, nil
	case s == nil && sealing.IsSealed(value):
		return "", fmt.Errorf("sqlstore: %s.%s is sealed, and this store was opened without a master key: restart with the database's master key", p.table, p.column)
	case s == nil:
		return value, nil
	}
	env, err := sealing.ParseEnvelope(value)
	if err != nil {
		return "", fmt.Errorf("sqlstore: %s.%s holds a value that is not sealed in a sealed database", p.table, p.column)
	}
	dk, ok := s.keys[env.KeyID()]
	if !ok {
		return "", fmt.Errorf("sqlstore: %s.%s is sealed with data key %s, which this database does not have", p.table, p.column, env.KeyID())
	}
	plain, err := dk.Open(env, p.aad())
	if err != nil {
		return "", fmt.Errorf("sqlstore: %s.%s: %w", p.table, p.column, err)
	}
	return string(plain), nil
}

// sealPlaintext seals the secrets written before the database had a data
// key (by a moat without sealing, or opened without a master key). Each
// row changes only if it still holds the plaintext read, so replicas doing
// this at once seal each value once.
func (s *Store) sealPlaintext(ctx context.Context) error {
	return s.inTx(ctx, func(tx conn) error {
		for _, col := range sealedColumns {
			if err := sealColumn(ctx, tx, col); err != nil {
				return fmt.Errorf("sqlstore: sealing %s.%s: %w", col.table, col.column, err)
			}
		}
		return nil
	})
}

func sealColumn(ctx context.Context, tx conn, col sealedColumn) error {
	keys := strings.Join(col.keys, ", ")
	rows, err := tx.query(ctx, `SELECT `+keys+`, `+col.column+` FROM `+col.table+
		` WHERE `+col.column+` <> '' AND substr(`+col.column+`, 1, ?) <> ?`, len("moat:sealed:"), "moat:sealed:")
	if err != nil {
		return err
	}
	plain, err := collect(rows, func(row scanner) ([]any, error) {
		vals := make([]string, len(col.keys)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		out := make([]any, len(vals))
		err := row.Scan(ptrs...)
		for i, v := range vals {
			out[i] = v
		}
		return out, err
	})
	if err != nil {
		return err
	}
	where := strings.Join(col.keys, " = ? AND ") + " = ? AND " + col.column + " = ?"
	for _, r := range plain {
		key, value := r[:len(col.keys)], r[len(col.keys)].(string)
		sealed, err := tx.seal.sealValue(place{table: col.table, column: col.column, keys: col.keys, key: key}, value)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE `+col.table+` SET `+col.column+` = ? WHERE `+where, append(append([]any{sealed}, key...), value)...); err != nil {
			return err
		}
	}
	return nil
}

// ErrNotSealed is RotateMasterKey on a store opened without a master key.
var ErrNotSealed = errors.New("sqlstore: the store was opened without a master key")

// RotateMasterKey wraps the database's data keys under next instead of the
// master key the store was opened with, in one transaction: from then on
// only next opens the database. Running replicas keep working (they hold
// the data keys already); each must be restarted with next.
func (s *Store) RotateMasterKey(ctx context.Context, next sealing.MasterKey) error {
	if s.seal == nil {
		return ErrNotSealed
	}
	if next.IsZero() {
		return errors.New("sqlstore: no new master key given")
	}
	return s.inTx(ctx, func(tx conn) error {
		for id, dk := range s.seal.keys {
			wrapped, err := next.Rewrap(dk)
			if err != nil {
				return err
			}
			res, err := tx.exec(ctx, `UPDATE data_keys SET master_key_id = ?, wrapped = ? WHERE id = ?`, next.ID(), wrapped, id)
			if err := expectOne(res, err, "data key "+id); err != nil {
				return err
			}
		}
		return nil
	})
}

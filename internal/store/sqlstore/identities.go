package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"

	"github.com/moat-dev/moat/internal/store"
)

const identityColumns = `id, pool_id, disabled, credentials_revoked_at, created_at, updated_at`

func scanIdentity(row scanner) (store.Identity, error) {
	var i store.Identity
	err := row.Scan(&i.ID, &i.PoolID, &i.Disabled, &i.CredentialsRevokedAt, &i.CreatedAt, &i.UpdatedAt)
	return i, err
}

func (s *Store) CreateIdentity(ctx context.Context, i store.Identity) error {
	return s.inTx(ctx, func(tx conn) error {
		_, err := tx.exec(ctx, `INSERT INTO identities (`+identityColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			i.ID, i.PoolID, i.Disabled, i.CredentialsRevokedAt, i.CreatedAt, i.UpdatedAt)
		if err != nil {
			return constraintError(err, "identity "+i.ID)
		}
		for provider, subject := range i.Logins {
			if err := insertLogin(ctx, tx, i.PoolID, provider, subject, i.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertLogin(ctx context.Context, c conn, poolID, provider, subject, identityID string) error {
	_, err := c.exec(ctx, `INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES (?, ?, ?, ?)`,
		poolID, provider, subject, identityID)
	return constraintError(err, "login "+provider)
}

func (s *Store) GetIdentity(ctx context.Context, id string) (store.Identity, error) {
	return getIdentity(ctx, s.reader(), id, "")
}

func getIdentity(ctx context.Context, c conn, id, lock string) (store.Identity, error) {
	i, err := scanIdentity(c.queryRow(ctx, `SELECT `+identityColumns+` FROM identities WHERE id = ?`+lock, id))
	if err != nil {
		return i, notFound(err, "identity "+id)
	}
	i.Logins, err = loginsOf(ctx, c, id)
	return i, err
}

func loginsOf(ctx context.Context, c conn, identityID string) (map[string]string, error) {
	rows, err := c.query(ctx, `SELECT provider, subject FROM identity_logins WHERE identity_id = ?`, identityID)
	if err != nil {
		return nil, err
	}
	pairs, err := collect(rows, func(row scanner) ([2]string, error) {
		var p [2]string
		return p, row.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, err
	}
	logins := make(map[string]string, len(pairs))
	for _, p := range pairs {
		logins[p[0]] = p[1]
	}
	return logins, nil
}

func (s *Store) FindIdentityByLogin(ctx context.Context, poolID, provider, subject string) (store.Identity, error) {
	var id string
	err := s.reader().queryRow(ctx, `SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND subject = ?`,
		poolID, provider, subject).Scan(&id)
	if err != nil {
		return store.Identity{}, notFound(err, "login "+provider)
	}
	return s.GetIdentity(ctx, id)
}

func (s *Store) ListIdentities(ctx context.Context, poolID string) ([]store.Identity, error) {
	c := s.reader()
	ids, err := listUnder(ctx, c, scanIdentity,
		"identity pool "+poolID, `SELECT 1 FROM identity_pools WHERE id = ?`, []any{poolID},
		`SELECT `+identityColumns+` FROM identities WHERE pool_id = ? ORDER BY id`, poolID)
	if err != nil {
		return nil, err
	}
	for n := range ids {
		if ids[n].Logins, err = loginsOf(ctx, c, ids[n].ID); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (s *Store) UpdateIdentity(ctx context.Context, id string, update func(store.Identity) (store.Identity, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getIdentity(ctx, tx, id, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		i, err := update(old)
		if err != nil {
			return err
		}
		if i.ID != old.ID || i.PoolID != old.PoolID || !maps.Equal(i.Logins, old.Logins) {
			return keyChanged("identity "+id, "ID, PoolID or Logins")
		}
		_, err = tx.exec(ctx, `UPDATE identities SET disabled = ?, credentials_revoked_at = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			i.Disabled, i.CredentialsRevokedAt, i.CreatedAt, i.UpdatedAt, id)
		return err
	})
}

func (s *Store) LinkLogins(ctx context.Context, identityID string, logins map[string]string, now int64) (store.Identity, error) {
	var out store.Identity
	err := s.inTx(ctx, func(tx conn) error {
		target, err := getIdentity(ctx, tx, identityID, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		for provider, subject := range logins {
			if have, ok := target.Logins[provider]; ok && have != subject {
				return fmt.Errorf("identity %s already has a login for %s: %w", identityID, provider, store.ErrConflict)
			}
		}
		for provider, subject := range logins {
			if err := s.linkLogin(ctx, tx, &target, provider, subject, now); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE identities SET updated_at = ? WHERE id = ?`, now, identityID); err != nil {
			return err
		}
		out, err = getIdentity(ctx, tx, identityID, "")
		return err
	})
	return out, err
}

// linkLogin gives target one login, merging the identity that holds it, if
// another does: that identity's logins move to target and it is disabled.
func (s *Store) linkLogin(ctx context.Context, tx conn, target *store.Identity, provider, subject string, now int64) error {
	var holder string
	err := tx.queryRow(ctx, `SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND subject = ?`+s.dialect.forUpdate,
		target.PoolID, provider, subject).Scan(&holder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		target.Logins[provider] = subject
		return insertLogin(ctx, tx, target.PoolID, provider, subject, target.ID)
	case err != nil:
		return err
	case holder == target.ID:
		return nil
	}
	merged, err := loginsOf(ctx, tx, holder)
	if err != nil {
		return err
	}
	for p, sub := range merged {
		if have, ok := target.Logins[p]; ok && have != sub {
			return fmt.Errorf("identity %s and %s both have a login for %s: %w", target.ID, holder, p, store.ErrConflict)
		}
		target.Logins[p] = sub
	}
	if _, err := tx.exec(ctx, `UPDATE identity_logins SET identity_id = ? WHERE identity_id = ?`, target.ID, holder); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE identities SET disabled = ?, updated_at = ? WHERE id = ?`, true, now, holder)
	return err
}

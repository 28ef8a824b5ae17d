package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

const clientColumns = `pool_id, id, name, secret, settings, created_at, updated_at`

func scanClient(row scanner) (store.Client, error) {
	var c store.Client
	err := row.Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, &c.Settings, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// CreateClient stores c. Client IDs are unique across pools (FindClient needs
// only the ID), so a duplicate in any pool is ErrAlreadyExists.
func (s *Store) CreateClient(ctx context.Context, c store.Client) error {
	_, err := s.writer().exec(ctx, `INSERT INTO clients (`+clientColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.PoolID, c.ID, c.Name, c.Secret, c.Settings, c.CreatedAt, c.UpdatedAt)
	return constraintError(err, "client "+c.ID)
}

func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	return getClient(ctx, s.reader(), poolID, clientID, "")
}

func getClient(ctx context.Context, c conn, poolID, clientID, lock string) (store.Client, error) {
	cl, err := scanClient(c.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE pool_id = ? AND id = ?`+lock, poolID, clientID))
	return cl, notFound(err, "client "+clientID)
}

func (s *Store) FindClient(ctx context.Context, clientID string) (store.Client, error) {
	cl, err := scanClient(s.reader().queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, clientID))
	return cl, notFound(err, "client "+clientID)
}

func (s *Store) ListClients(ctx context.Context, poolID string) ([]store.Client, error) {
	return listUnder(ctx, s.reader(), scanClient, "user pool "+poolID, poolExists, []any{poolID},
		`SELECT `+clientColumns+` FROM clients WHERE pool_id = ? ORDER BY id`, poolID)
}

func (s *Store) UpdateClient(ctx context.Context, poolID, clientID string, update func(store.Client) (store.Client, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getClient(ctx, tx, poolID, clientID, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		c, err := update(old)
		if err != nil {
			return err
		}
		if c.PoolID != old.PoolID || c.ID != old.ID {
			return keyChanged("client "+clientID, "PoolID or ID")
		}
		_, err = tx.exec(ctx, `UPDATE clients SET name = ?, secret = ?, settings = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.Secret, c.Settings, c.CreatedAt, c.UpdatedAt, clientID)
		return err
	})
}

// DeleteClient removes the client and the sessions signed in through it.
func (s *Store) DeleteClient(ctx context.Context, poolID, clientID string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM clients WHERE pool_id = ? AND id = ?`, poolID, clientID)
	return expectOne(res, err, "client "+clientID)
}

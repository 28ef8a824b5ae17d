package sqlstore

import (
	"context"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// userSecrets are sealed in their value column, bound to their user and name.
var userSecrets = &table[store.UserSecret]{
	name: "user_secrets", what: "user secret",
	keys:    []string{"pool_id", "user_key", "name"},
	columns: []string{"pool_id", "user_key", "name", "value", "updated_at"},
	row:     func(u store.UserSecret) []any { return []any{u.PoolID, u.UserKey, u.Name, u.Value, u.UpdatedAt} },
	scan: func(row scanner) (u store.UserSecret, err error) {
		return u, row.Scan(&u.PoolID, &u.UserKey, &u.Name, &u.Value, &u.UpdatedAt)
	},
	secret: func(u *store.UserSecret) *string { return &u.Value }, secretColumn: "value",
}

// PutUserSecret inserts the secret or replaces its value, in one statement.
func (s *Store) PutUserSecret(ctx context.Context, u store.UserSecret) error {
	w := s.writer()
	sealed, err := userSecrets.sealed(w, u)
	if err != nil {
		return err
	}
	marks := strings.Repeat("?, ", len(userSecrets.columns)-1) + "?"
	_, err = w.exec(ctx, `INSERT INTO user_secrets (`+strings.Join(userSecrets.columns, ", ")+`) VALUES (`+marks+`)
		ON CONFLICT (pool_id, user_key, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, userSecrets.row(sealed)...)
	return constraintError(err, "user "+u.UserKey)
}

func (s *Store) GetUserSecret(ctx context.Context, poolID, userKey, name string) (store.UserSecret, error) {
	return userSecrets.get(ctx, s.reader(), "", poolID, userKey, name)
}

func (s *Store) DeleteUserSecret(ctx context.Context, poolID, userKey, name string) error {
	return userSecrets.delete(ctx, s.writer(), poolID, userKey, name)
}

var passkeys = &table[store.Passkey]{
	name: "passkeys", what: "passkey",
	keys:    []string{"pool_id", "user_key", "id"},
	columns: []string{"pool_id", "user_key", "id", "rp_id", "name", "record", "created_at"},
	row: func(p store.Passkey) []any {
		return []any{p.PoolID, p.UserKey, p.ID, p.RelyingPartyID, p.Name, p.Record, p.CreatedAt}
	},
	scan: func(row scanner) (p store.Passkey, err error) {
		return p, row.Scan(&p.PoolID, &p.UserKey, &p.ID, &p.RelyingPartyID, &p.Name, &p.Record, &p.CreatedAt)
	},
	frozen:      func(p store.Passkey) []any { return []any{p.RelyingPartyID, p.CreatedAt} },
	frozenNames: "PoolID, UserKey, ID, RelyingPartyID or CreatedAt",
}

func (s *Store) CreatePasskey(ctx context.Context, p store.Passkey) error {
	return passkeys.insert(ctx, s.writer(), p)
}

func (s *Store) ListPasskeys(ctx context.Context, poolID, userKey string) ([]store.Passkey, error) {
	return passkeys.listOfUser(ctx, s.reader(), poolID, userKey, "created_at, id")
}

func (s *Store) UpdatePasskey(ctx context.Context, poolID, userKey, id string, update func(store.Passkey) (store.Passkey, error)) error {
	return passkeys.update(ctx, s, []any{poolID, userKey, id}, update)
}

func (s *Store) DeletePasskey(ctx context.Context, poolID, userKey, id string) error {
	return passkeys.delete(ctx, s.writer(), poolID, userKey, id)
}

var devices = &table[store.Device]{
	name: "devices", what: "device",
	keys:    []string{"pool_id", "user_key", "device_key"},
	columns: []string{"pool_id", "user_key", "device_key", "group_key", "record", "created_at", "updated_at", "last_auth_at"},
	row: func(d store.Device) []any {
		return []any{d.PoolID, d.UserKey, d.Key, d.GroupKey, d.Record, d.CreatedAt, d.UpdatedAt, d.LastAuthenticatedAt}
	},
	scan: func(row scanner) (d store.Device, err error) {
		return d, row.Scan(&d.PoolID, &d.UserKey, &d.Key, &d.GroupKey, &d.Record, &d.CreatedAt, &d.UpdatedAt, &d.LastAuthenticatedAt)
	},
	frozen:      func(d store.Device) []any { return []any{d.GroupKey, d.CreatedAt} },
	frozenNames: "PoolID, UserKey, Key, GroupKey or CreatedAt",
}

func (s *Store) CreateDevice(ctx context.Context, d store.Device) error {
	return devices.insert(ctx, s.writer(), d)
}

func (s *Store) GetDevice(ctx context.Context, poolID, userKey, key string) (store.Device, error) {
	return devices.get(ctx, s.reader(), "", poolID, userKey, key)
}

func (s *Store) ListDevices(ctx context.Context, poolID, userKey string) ([]store.Device, error) {
	return devices.listOfUser(ctx, s.reader(), poolID, userKey, "device_key")
}

func (s *Store) UpdateDevice(ctx context.Context, poolID, userKey, key string, update func(store.Device) (store.Device, error)) error {
	return devices.update(ctx, s, []any{poolID, userKey, key}, update)
}

func (s *Store) DeleteDevice(ctx context.Context, poolID, userKey, key string) error {
	return devices.delete(ctx, s.writer(), poolID, userKey, key)
}

package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations are the schema of both engines, written for PostgreSQL; each
// dialect reads them through its schema rewrite.
//
//go:embed migrations/*.sql
var migrations embed.FS

// dialectMigrations is the migration tree as d's engine runs it.
func dialectMigrations(d dialect) (fs.FS, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		data, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = &fstest.MapFile{Data: []byte(d.schema(string(data))), Mode: 0o444}
	}
	return out, nil
}

// migrate brings the schema up to date; locker, when set, serialises
// concurrent starts.
func migrate(ctx context.Context, db *sql.DB, d dialect, locker lock.SessionLocker) error {
	fsys, err := dialectMigrations(d)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithLogger(goose.NopLogger())}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d.goose, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

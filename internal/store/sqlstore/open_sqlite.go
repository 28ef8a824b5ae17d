package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteParams: WAL lets readers run beside the writer; busy_timeout covers
// another process holding the lock; _txlock=immediate takes the write lock at
// BEGIN so a read-modify-write never fails upgrading its lock mid-transaction.
const sqliteParams = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// uriEscaper escapes what SQLite's URI parser would otherwise read as syntax.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// OpenSQLite opens (creating when needed, with its directory) the SQLite
// database at path and migrates it. One process should own the file.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	dsn := "file:" + uriEscaper.Replace(path) + "?" + sqliteParams
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlstore: open %s: %w", path, err), read.Close())
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	write.SetMaxOpenConns(1)
	s := &Store{dialect: sqliteDialect, read: read, write: write}
	if err := migrate(ctx, read, goose.DialectSQLite3, "sqlite", nil); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

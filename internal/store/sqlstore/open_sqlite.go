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
func OpenSQLite(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if err := privateFile(path); err != nil {
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
	s := &Store{dialect: sqliteDialect, read: read, write: write, reads: newPreparedReads(read)}
	if err := migrate(ctx, write, sqliteDialect, nil); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.ready(ctx, collectOptions(opts)); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// privateFile makes the database file readable by its owner only (0600),
// creating it, and its directory 0700 when missing, before SQLite opens it:
// SQLite would create it 0644, and gives its WAL and shared-memory files the
// database file's mode. A file an older moat made is tightened too.
func privateFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

package sqlstore

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// TestSchemasMatch migrates both engines from the one source and compares
// the tables and columns they end with: a statement one engine reads
// differently (or a rewrite gone wrong) shows up as a difference.
func TestSchemasMatch(t *testing.T) {
	t.Parallel()
	lite, pg := newSQLite(t), newPostgres(t)
	defer lite.Close()
	defer pg.Close()
	liteCols := columnsOf(t, lite, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'goose%' AND m.name NOT LIKE 'sqlite%'`)
	pgCols := columnsOf(t, pg, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%'`)
	if !slices.Equal(liteCols, pgCols) {
		t.Errorf("schemas differ:\n sqlite   %v\n postgres %v", liteCols, pgCols)
	}
	if len(liteCols) < 50 {
		t.Errorf("only %d columns found: the query misses tables", len(liteCols))
	}
}

func columnsOf(t *testing.T, s *Store, query string) []string {
	t.Helper()
	rows, err := s.reader().query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := collect(rows, func(row scanner) (string, error) {
		var table, column string
		err := row.Scan(&table, &column)
		return table + "." + column, err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(cols)
	return cols
}

// TestSQLiteSchemaHasNoPostgresTypes: the rewrite leaves none of the
// PostgreSQL spellings SQLite would read with another affinity.
func TestSQLiteSchemaHasNoPostgresTypes(t *testing.T) {
	fsys, err := dialectMigrations(sqliteDialect)
	if err != nil {
		t.Fatal(err)
	}
	files, err := fsysFiles(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		for _, word := range []string{"COLLATE", "BYTEA", "BIGINT", "BOOLEAN"} {
			if strings.Contains(text, word) {
				t.Errorf("%s keeps %s for SQLite", name, word)
			}
		}
	}
}

func fsysFiles(fsys fs.FS) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		out[path] = string(b)
		return err
	})
	return out, err
}

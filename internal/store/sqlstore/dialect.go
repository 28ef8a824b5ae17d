package sqlstore

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"
)

// dialect is everything the store's SQL needs to know about its engine.
type dialect struct {
	numberedParams bool   // $1, $2… instead of ?
	forUpdate      string // row-lock suffix for a SELECT inside a transaction
	// abortsOnError: a failed statement ends the transaction it is in.
	abortsOnError bool
	goose         goose.Dialect
	// schema rewrites the migrations (PostgreSQL's terms) for the engine.
	schema func(string) string
	// appendLock, run before an event is appended, makes appends commit in
	// the order of their sequence numbers. SQLite's single writer does so
	// already; on PostgreSQL a transaction-scoped advisory lock queues them
	// (held to commit, so a later number never becomes visible first).
	appendLock string
	// planEach, put first in a query's arguments, has the engine plan that
	// query for the values it is given each time. PostgreSQL's driver keeps
	// statements prepared, and a prepared statement's generic plan guesses
	// at its values: a list of a thousand reads as matching every row.
	planEach []any
}

// sqliteTypes maps the schema's PostgreSQL types onto SQLite's: its BINARY
// collation is already bytewise, INTEGER holds booleans and 64-bit ints, and
// AUTOINCREMENT keeps a serial key from reusing the numbers of deleted rows.
var sqliteTypes = strings.NewReplacer("BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT", ` COLLATE "C"`, "", "BYTEA", "BLOB", "BIGINT", "INTEGER", "BOOLEAN", "INTEGER")

// postgresOnly opens a migration that only PostgreSQL runs: an index its
// planner needs and SQLite's would misuse. SQLite runs it empty, so both
// engines count the same versions.
const postgresOnly = "-- PostgreSQL only."

// sqliteSchema is a migration as SQLite runs it.
func sqliteSchema(migration string) string {
	if strings.HasPrefix(migration, postgresOnly) {
		return postgresOnly + " (skipped)\n-- +goose Up\n"
	}
	return sqliteTypes.Replace(migration)
}

var (
	sqliteDialect   = dialect{goose: goose.DialectSQLite3, schema: sqliteSchema}
	postgresDialect = dialect{numberedParams: true, forUpdate: " FOR UPDATE", abortsOnError: true,
		goose: goose.DialectPostgres, schema: func(s string) string { return s },
		appendLock: `SELECT pg_advisory_xact_lock(7245315839514100101)`, planEach: []any{pgx.QueryExecModeExec}}
)

// rebind rewrites ? placeholders for the engine. The store's queries carry no
// ? inside string literals, so a plain scan suffices.
func (d dialect) rebind(query string) string {
	if !d.numberedParams {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

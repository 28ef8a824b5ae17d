package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxPreparedReads bounds the statements kept: the store's queries are a
// fixed set but for those built for a count of values (IN lists), which
// past the bound are prepared for each use, as every query was before.
const maxPreparedReads = 512

// preparedReads is SQLite's read pool with its statements kept prepared:
// SQLite parses and plans a statement each time it is prepared, which
// costs more than running a lookup by key (a sixth of a refresh's CPU).
// PostgreSQL's driver keeps its own statement cache per connection.
type preparedReads struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newPreparedReads(db *sql.DB) *preparedReads {
	return &preparedReads{db: db, stmts: map[string]*sql.Stmt{}}
}

// prepared is query's kept statement, preparing it on first use; nil when
// the bound is reached or it does not prepare (running it then reports why).
func (p *preparedReads) prepared(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if len(p.stmts) >= maxPreparedReads {
		return nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

func (p *preparedReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

func (p *preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *preparedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// Close releases the statements (the pool is closed by its owner).
func (p *preparedReads) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for q, st := range p.stmts {
		err = errors.Join(err, st.Close())
		delete(p.stmts, q)
	}
	return err
}

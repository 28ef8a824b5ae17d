package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var functions = &table[store.Function]{
	name: "functions", what: "function",
	keys: []string{"name"},
	columns: []string{"name", "arn", "runtime", "handler", "role", "description", "timeout", "memory_size",
		"architectures", "environment", "url", "code_sha256", "code_size", "reserved_concurrency", "policy",
		"revision_id", "last_modified"},
	row: func(f store.Function) []any {
		return []any{f.Name, f.ARN, f.Runtime, f.Handler, f.Role, f.Description, f.Timeout, f.MemorySize,
			marshalColumn(nonNilList(f.Architectures)), f.Environment, f.URL, f.CodeSha256, f.CodeSize,
			f.ReservedConcurrency, f.Policy, f.RevisionID, f.LastModified}
	},
	scan: func(row scanner) (store.Function, error) {
		var f store.Function
		var architectures []byte
		if err := row.Scan(&f.Name, &f.ARN, &f.Runtime, &f.Handler, &f.Role, &f.Description, &f.Timeout, &f.MemorySize,
			&architectures, &f.Environment, &f.URL, &f.CodeSha256, &f.CodeSize, &f.ReservedConcurrency, &f.Policy,
			&f.RevisionID, &f.LastModified); err != nil {
			return f, err
		}
		f.Architectures = []string{}
		return f, unmarshalColumn(architectures, &f.Architectures)
	},
	frozen: func(f store.Function) []any { return []any{f.ARN} }, frozenNames: "Name or ARN",
	secret: func(f *store.Function) *string { return &f.Environment }, secretColumn: "environment",
}

func (s *Store) CreateFunction(ctx context.Context, f store.Function, code []byte) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := functions.insert(ctx, tx, f); err != nil {
			return err
		}
		return putFunctionCode(ctx, tx, f.Name, f.CodeSha256, code)
	})
}

func putFunctionCode(ctx context.Context, tx conn, name, sha256 string, code []byte) error {
	if code == nil {
		return nil
	}
	_, err := tx.exec(ctx, `INSERT INTO function_code (function_name, sha256, zip) VALUES (?, ?, ?)
		ON CONFLICT (function_name, sha256) DO NOTHING`, name, sha256, code)
	return err
}

func (s *Store) GetFunction(ctx context.Context, name string) (store.Function, error) {
	return functions.get(ctx, s.reader(), "", name)
}

func (s *Store) ListFunctions(ctx context.Context, after string, limit int) ([]store.Function, error) {
	return functions.list(ctx, s.reader(), `name > ?`, `name LIMIT ?`, after, limit)
}

func (s *Store) UpdateFunction(ctx context.Context, name string, code []byte, update func(store.Function) (store.Function, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		f, err := functions.updateIn(ctx, s, tx, []any{name}, update)
		if err != nil || code == nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM function_code WHERE function_name = ? AND sha256 <> ?`, name, f.CodeSha256); err != nil {
			return err
		}
		return putFunctionCode(ctx, tx, name, f.CodeSha256, code)
	})
}

func (s *Store) DeleteFunction(ctx context.Context, name string) error {
	return functions.delete(ctx, s.writer(), name)
}

func (s *Store) GetFunctionCode(ctx context.Context, name, sha256 string) ([]byte, error) {
	var zip []byte
	err := s.reader().queryRow(ctx, `SELECT zip FROM function_code WHERE function_name = ? AND sha256 = ?`, name, sha256).Scan(&zip)
	return zip, notFound(err, "code of function "+name)
}

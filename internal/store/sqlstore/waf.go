package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/moat-dev/moat/internal/store"
)

// The three WAF entity tables share WAFEntity's columns, then their own.
var entityColumns = []string{"id", "name", "arn", "description", "attributes", "lock_token", "created_at", "updated_at"}

func entityRow(e *store.WAFEntity, own ...any) []any {
	return append([]any{e.ID, e.Name, e.ARN, e.Description, e.Attributes, e.LockToken, e.CreatedAt, e.UpdatedAt}, own...)
}

func entityDest(e *store.WAFEntity, own ...any) []any {
	return append([]any{&e.ID, &e.Name, &e.ARN, &e.Description, &e.Attributes, &e.LockToken, &e.CreatedAt, &e.UpdatedAt}, own...)
}

// entityFrozen is what an updater may not change besides the ID.
func entityFrozen(e *store.WAFEntity) []any { return []any{e.Name, e.ARN, e.CreatedAt} }

var ipSets = &table[store.IPSet]{
	name: "waf_ip_sets", what: "IP set",
	keys:    []string{"id"},
	columns: slices.Concat(entityColumns, []string{"ip_address_version", "addresses"}),
	row: func(s store.IPSet) []any {
		return entityRow(&s.WAFEntity, s.IPAddressVersion, marshalColumn(nonNilList(s.Addresses)))
	},
	scan: func(row scanner) (store.IPSet, error) {
		var s store.IPSet
		var addresses []byte
		if err := row.Scan(entityDest(&s.WAFEntity, &s.IPAddressVersion, &addresses)...); err != nil {
			return s, err
		}
		return s, unmarshalColumn(addresses, &s.Addresses)
	},
	frozen: func(s store.IPSet) []any { return entityFrozen(&s.WAFEntity) }, frozenNames: "ID, Name, ARN or CreatedAt",
}

var regexSets = &table[store.RegexPatternSet]{
	name: "waf_regex_pattern_sets", what: "regex pattern set",
	keys:    []string{"id"},
	columns: slices.Concat(entityColumns, []string{"regular_expressions"}),
	row: func(s store.RegexPatternSet) []any {
		return entityRow(&s.WAFEntity, marshalColumn(nonNilList(s.RegularExpressions)))
	},
	scan: func(row scanner) (store.RegexPatternSet, error) {
		var s store.RegexPatternSet
		var list []byte
		if err := row.Scan(entityDest(&s.WAFEntity, &list)...); err != nil {
			return s, err
		}
		return s, unmarshalColumn(list, &s.RegularExpressions)
	},
	frozen: func(s store.RegexPatternSet) []any { return entityFrozen(&s.WAFEntity) }, frozenNames: "ID, Name, ARN or CreatedAt",
}

var webACLs = &table[store.WebACL]{
	name: "waf_web_acls", what: "web ACL",
	keys:    []string{"id"},
	columns: slices.Concat(entityColumns, []string{"document", "set_refs"}),
	row: func(a store.WebACL) []any {
		return entityRow(&a.WAFEntity, a.Document, marshalColumn(nonNilList(a.References)))
	},
	scan: func(row scanner) (store.WebACL, error) {
		var a store.WebACL
		var refs []byte
		if err := row.Scan(entityDest(&a.WAFEntity, &a.Document, &refs)...); err != nil {
			return a, err
		}
		return a, unmarshalColumn(refs, &a.References)
	},
	frozen: func(a store.WebACL) []any { return entityFrozen(&a.WAFEntity) }, frozenNames: "ID, Name, ARN or CreatedAt",
}

// nonNilList keeps "none" one value in the JSON columns ([] rather than null).
func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// entityOf is how the lock-token helpers reach an entity's shared fields.
type entityOf[T any] interface {
	*T
	Entity() *store.WAFEntity
}

// createLocked stores a new entity under a fresh lock token; then, in the
// same transaction, also (when set) writes what goes with it.
func createLocked[T any, P entityOf[T]](ctx context.Context, s *Store, t *table[T], v T, also func(tx conn, v T) error) (string, error) {
	token := uuid.NewString()
	P(&v).Entity().LockToken = token
	err := s.inTx(ctx, func(tx conn) error {
		if err := t.insert(ctx, tx, v); err != nil {
			return err
		}
		if also != nil {
			return also(tx, v)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// updateLocked is the updater pattern behind a lock token: the update runs
// only while lockToken is the entity's, and the entity gets a new one.
func updateLocked[T any, P entityOf[T]](ctx context.Context, s *Store, t *table[T], id, lockToken string, update func(T) (T, error), also func(tx conn, v T) error) (string, error) {
	next := uuid.NewString()
	err := s.inTx(ctx, func(tx conn) error {
		v, err := t.updateIn(ctx, s, tx, []any{id}, func(old T) (T, error) {
			if P(&old).Entity().LockToken != lockToken {
				return old, fmt.Errorf("%s %s: %w", t.what, id, store.ErrStaleLockToken)
			}
			v, err := update(old)
			if err != nil {
				return v, err
			}
			P(&v).Entity().LockToken = next
			return v, nil
		})
		if err != nil || also == nil {
			return err
		}
		return also(tx, v)
	})
	if err != nil {
		return "", err
	}
	return next, nil
}

// deleteLocked removes an entity while lockToken is its own, unless
// inUse (asked in the same transaction) finds something depending on it.
func deleteLocked[T any, P entityOf[T]](ctx context.Context, s *Store, t *table[T], id, lockToken string, inUse func(tx conn, v T) (bool, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		v, err := t.get(ctx, tx, s.dialect.forUpdate, id)
		if err != nil {
			return err
		}
		if P(&v).Entity().LockToken != lockToken {
			return fmt.Errorf("%s %s: %w", t.what, id, store.ErrStaleLockToken)
		}
		used, err := inUse(tx, v)
		if err != nil {
			return err
		}
		if used {
			return fmt.Errorf("%s %s is in use: %w", t.what, id, store.ErrConflict)
		}
		return t.delete(ctx, tx, id)
	})
}

func exists(ctx context.Context, c conn, query string, args ...any) (bool, error) {
	var one int
	err := c.queryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func setReferenced(ctx context.Context, tx conn, arn string) (bool, error) {
	return exists(ctx, tx, `SELECT 1 FROM waf_web_acl_references WHERE set_arn = ? LIMIT 1`, arn)
}

func (s *Store) CreateIPSet(ctx context.Context, v store.IPSet) (string, error) {
	return createLocked(ctx, s, ipSets, v, nil)
}

func (s *Store) GetIPSet(ctx context.Context, id string) (store.IPSet, error) {
	return ipSets.get(ctx, s.reader(), "", id)
}

func (s *Store) ListIPSets(ctx context.Context) ([]store.IPSet, error) {
	return ipSets.list(ctx, s.reader(), "", "name")
}

func (s *Store) UpdateIPSet(ctx context.Context, id, lockToken string, update func(store.IPSet) (store.IPSet, error)) (string, error) {
	return updateLocked(ctx, s, ipSets, id, lockToken, update, nil)
}

func (s *Store) DeleteIPSet(ctx context.Context, id, lockToken string) error {
	return deleteLocked(ctx, s, ipSets, id, lockToken, func(tx conn, v store.IPSet) (bool, error) { return setReferenced(ctx, tx, v.ARN) })
}

func (s *Store) CreateRegexPatternSet(ctx context.Context, v store.RegexPatternSet) (string, error) {
	return createLocked(ctx, s, regexSets, v, nil)
}

func (s *Store) GetRegexPatternSet(ctx context.Context, id string) (store.RegexPatternSet, error) {
	return regexSets.get(ctx, s.reader(), "", id)
}

func (s *Store) ListRegexPatternSets(ctx context.Context) ([]store.RegexPatternSet, error) {
	return regexSets.list(ctx, s.reader(), "", "name")
}

func (s *Store) UpdateRegexPatternSet(ctx context.Context, id, lockToken string, update func(store.RegexPatternSet) (store.RegexPatternSet, error)) (string, error) {
	return updateLocked(ctx, s, regexSets, id, lockToken, update, nil)
}

func (s *Store) DeleteRegexPatternSet(ctx context.Context, id, lockToken string) error {
	return deleteLocked(ctx, s, regexSets, id, lockToken, func(tx conn, v store.RegexPatternSet) (bool, error) { return setReferenced(ctx, tx, v.ARN) })
}

// writeReferences makes the web ACL's reference rows its References, each
// naming a set that exists.
func writeReferences(ctx context.Context, tx conn, a store.WebACL) error {
	if _, err := tx.exec(ctx, `DELETE FROM waf_web_acl_references WHERE web_acl_id = ?`, a.ID); err != nil {
		return err
	}
	for _, arn := range a.References {
		found, err := exists(ctx, tx, `SELECT 1 FROM waf_ip_sets WHERE arn = ? UNION ALL SELECT 1 FROM waf_regex_pattern_sets WHERE arn = ?`, arn, arn)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("set %s: %w", arn, store.ErrNotFound)
		}
		if _, err := tx.exec(ctx, `INSERT INTO waf_web_acl_references (web_acl_id, set_arn) VALUES (?, ?) ON CONFLICT DO NOTHING`, a.ID, arn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateWebACL(ctx context.Context, v store.WebACL) (string, error) {
	return createLocked(ctx, s, webACLs, v, func(tx conn, v store.WebACL) error { return writeReferences(ctx, tx, v) })
}

func (s *Store) GetWebACL(ctx context.Context, id string) (store.WebACL, error) {
	return webACLs.get(ctx, s.reader(), "", id)
}

func (s *Store) ListWebACLs(ctx context.Context) ([]store.WebACL, error) {
	return webACLs.list(ctx, s.reader(), "", "name")
}

func (s *Store) UpdateWebACL(ctx context.Context, id, lockToken string, update func(store.WebACL) (store.WebACL, error)) (string, error) {
	return updateLocked(ctx, s, webACLs, id, lockToken, update, func(tx conn, v store.WebACL) error { return writeReferences(ctx, tx, v) })
}

func (s *Store) DeleteWebACL(ctx context.Context, id, lockToken string) error {
	return deleteLocked(ctx, s, webACLs, id, lockToken, func(tx conn, v store.WebACL) (bool, error) {
		return exists(ctx, tx, `SELECT 1 FROM waf_associations WHERE web_acl_id = ? LIMIT 1`, v.ID)
	})
}

func (s *Store) AssociateWebACL(ctx context.Context, resourceARN, webACLID string) error {
	_, err := s.writer().exec(ctx, `INSERT INTO waf_associations (resource_arn, web_acl_id) VALUES (?, ?)
		ON CONFLICT (resource_arn) DO UPDATE SET web_acl_id = excluded.web_acl_id`, resourceARN, webACLID)
	return constraintError(err, "web ACL "+webACLID)
}

func (s *Store) DisassociateWebACL(ctx context.Context, resourceARN string) error {
	_, err := s.writer().exec(ctx, `DELETE FROM waf_associations WHERE resource_arn = ?`, resourceARN)
	return err
}

func (s *Store) GetWebACLForResource(ctx context.Context, resourceARN string) (store.WebACL, error) {
	return webACLs.find(ctx, s.reader(), "web ACL for "+resourceARN,
		`id = (SELECT web_acl_id FROM waf_associations WHERE resource_arn = ?)`, resourceARN)
}

func (s *Store) ListResourcesForWebACL(ctx context.Context, webACLID string) ([]string, error) {
	rows, err := s.reader().query(ctx, `SELECT resource_arn FROM waf_associations WHERE web_acl_id = ? ORDER BY resource_arn`, webACLID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (string, error) {
		var arn string
		return arn, row.Scan(&arn)
	})
}

func (s *Store) ListWebACLAssociations(ctx context.Context) ([]store.WebACLAssociation, error) {
	rows, err := s.reader().query(ctx, `SELECT resource_arn, web_acl_id FROM waf_associations ORDER BY resource_arn`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (store.WebACLAssociation, error) {
		var a store.WebACLAssociation
		return a, row.Scan(&a.ResourceARN, &a.WebACLID)
	})
}

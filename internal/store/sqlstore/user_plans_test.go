package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/store"
	"github.com/pressly/goose/v3"
)

// TestUserQueryPlans: SQLite reads every user lookup and listing page
// through an index, whatever a pool's size: no query scans a pool's users
// or attributes, and the attributes come by user key. (SQLite plans
// without statistics, so what it picks here it picks at any size.)
func TestUserQueryPlans(t *testing.T) {
	s := newSQLite(t)
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	explain := func(name, query string, args []any) {
		rows, err := s.reader().query(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		for _, step := range plan {
			scan := strings.HasPrefix(step, "SCAN ") && step != "SCAN u" // u: the page, already bounded
			attributesByPool := strings.HasPrefix(step, "SEARCH a ") && !strings.Contains(step, "user_key=?")
			if scan || attributesByPool {
				t.Errorf("%s reads too much: %q in plan %q", name, step, plan)
			}
		}
	}
	pageOf := func(q store.UserQuery) (string, []any) {
		q.PoolID, q.Limit = "p", 61
		page, args, _ := userPage(q)
		return withAttributes(page), args
	}
	for _, q := range []store.UserQuery{
		{},
		{AfterKey: "k"},
		{Attribute: "email", Value: "user0000", Prefix: true},
		{Attribute: "email", Value: "a@example.com"},
		{Attribute: "email", Value: "user", Prefix: true, AfterValue: "user0000050@bench.example", AfterKey: "user0000050"},
		{Attribute: "username", Value: "user00", Prefix: true, AfterValue: "user0000050", AfterKey: "user0000050"},
		{Attribute: "cognito:user_status", Value: "UNCONFIRMED"},
	} {
		query, args := pageOf(q)
		explain(fmt.Sprintf("ListUsers %+v", q), query, args)
	}
	lookups := map[string]string{
		"GetUser":              `pool_id = ? AND user_key = ?`,
		"GetUserBySub":         `pool_id = ? AND sub = ?`,
		"FindUsersByAttribute": `pool_id = ? AND user_key IN (SELECT user_key FROM user_attributes WHERE pool_id = ? AND name = ? AND value = ?)`,
	}
	for name, where := range lookups {
		args := []any{"p", "k", "email", "x"}[:strings.Count(where, "?")]
		explain(name, withAttributes(keyPage(where)), args)
	}
}

// TestPostgresUserPagePlans: PostgreSQL reads a filtered ListUsers page in
// the page's order from the value-and-key index and stops at its end, with
// no sort of the filter's range below the page's LIMIT, even for a prefix
// every user matches (once the table is analyzed, as PostgreSQL's
// autovacuum does after a load).
func TestPostgresUserPagePlans(t *testing.T) {
	t.Parallel()
	s := newPostgres(t)
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	const users = 20000
	batch := make([]store.User, 0, users)
	for i := range users {
		name := fmt.Sprintf("user%07d", i)
		batch = append(batch, store.User{PoolID: "p", Key: name, Username: name, Sub: fmt.Sprintf("sub-%d", i), Status: "CONFIRMED", Enabled: true,
			Attributes: map[string]string{"email": name + "@bench.example", "email_verified": "true"}})
	}
	if _, err := s.CreateUsers(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer().exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []store.UserQuery{
		{Attribute: "email", Value: "user", Prefix: true},
		{Attribute: "email", Value: "user", Prefix: true, AfterValue: "user0010000@bench.example", AfterKey: "user0010000"},
		{Attribute: "email", Value: "user0000", Prefix: true},
	} {
		q.PoolID, q.Limit = "p", 61
		page, args, _ := userPage(q)
		var plan []byte
		if err := s.reader().queryRow(ctx, `EXPLAIN (FORMAT JSON) `+withAttributes(page), args...).Scan(&plan); err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var root []struct{ Plan planNode }
		if err := json.Unmarshal(plan, &root); err != nil || len(root) != 1 {
			t.Fatalf("%+v: plan %s: %v", q, plan, err)
		}
		limit := root[0].Plan.find("Limit")
		if limit == nil {
			t.Fatalf("%+v: no LIMIT in the plan %s", q, plan)
		}
		if limit.find("Sort") != nil || limit.find("Incremental Sort") != nil || !limit.usesIndex("user_attributes_by_value_key") {
			t.Errorf("%+v: the page is not read in order from the value-and-key index: %s", q, plan)
		}
	}
}

// planNode is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	Plans     []planNode `json:"Plans"`
}

// find is the first node of type under n (n included), depth first.
func (n *planNode) find(nodeType string) *planNode {
	if n.NodeType == nodeType {
		return n
	}
	for i := range n.Plans {
		if found := n.Plans[i].find(nodeType); found != nil {
			return found
		}
	}
	return nil
}

func (n *planNode) usesIndex(name string) bool {
	if n.IndexName == name {
		return true
	}
	for i := range n.Plans {
		if n.Plans[i].usesIndex(name) {
			return true
		}
	}
	return false
}

// TestPostgresValueIndexMigratesBothWays: 00020 builds its index outside a
// transaction, so it must leave the one index it means whichever way it
// runs, and run again over what it left.
func TestPostgresValueIndexMigratesBothWays(t *testing.T) {
	t.Parallel()
	s := newPostgres(t)
	defer s.Close()
	ctx := context.Background()
	fsys, err := dialectMigrations(postgresDialect)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.write, fsys, goose.WithLogger(goose.NopLogger()))
	if err != nil {
		t.Fatal(err)
	}
	indexes := func() []string {
		t.Helper()
		rows, err := s.write.QueryContext(ctx, `SELECT indexname FROM pg_indexes WHERE tablename = 'user_attributes' AND indexname LIKE 'user_attributes_by_value%' ORDER BY indexname`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		return names
	}
	if got := indexes(); !slices.Equal(got, []string{"user_attributes_by_value_key"}) {
		t.Fatalf("after Up: %v", got)
	}
	if _, err := p.DownTo(ctx, 19); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); !slices.Equal(got, []string{"user_attributes_by_value"}) {
		t.Fatalf("after Down: %v", got)
	}
	// A build cut off after its first step: the new index is there, the
	// old one not yet dropped, and the version not recorded.
	if _, err := s.write.ExecContext(ctx, `CREATE INDEX user_attributes_by_value_key ON user_attributes (pool_id, name, value, user_key)`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); !slices.Equal(got, []string{"user_attributes_by_value_key"}) {
		t.Fatalf("after Up again: %v", got)
	}
}

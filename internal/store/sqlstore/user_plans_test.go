package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/store"
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

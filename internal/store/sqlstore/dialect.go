package sqlstore

import (
	"strconv"
	"strings"
)

// dialect is everything the store's SQL needs to know about its engine.
type dialect struct {
	numberedParams bool   // $1, $2… instead of ?
	forUpdate      string // row-lock suffix for a SELECT inside a transaction
}

var (
	sqliteDialect   = dialect{}
	postgresDialect = dialect{numberedParams: true, forUpdate: " FOR UPDATE"}
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

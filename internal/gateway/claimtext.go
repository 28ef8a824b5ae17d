package gateway

import (
	"encoding/json"
	"strconv"
	"strings"
)

// claimText renders a verified claim as a backend header value: strings as
// they are, numbers and booleans as JSON writes them, arrays as their
// elements joined by commas (cognito:groups reads "a,b"), objects as JSON.
func claimText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = claimText(item)
		}
		return strings.Join(parts, ",")
	case []string:
		return strings.Join(v, ",")
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// headerSafe replaces what a header value may not hold (RFC 9110 §5.5), so
// a claim cannot smuggle a header of its own.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// ClaimValue renders a verified claim for a backend request: a header
// value, a query parameter, a path piece.
func ClaimValue(v any) string { return headerSafe(claimText(v)) }

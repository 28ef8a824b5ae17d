package iamapi

import (
	"encoding/base64"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
)

const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
)

// paginate cuts a listing sorted by key into IAM's pages: MaxItems (1 to
// 1000, default 100) items from the one Marker names. The marker is the
// next page's first key, opaque to clients; next is "" on the last page.
func paginate[T any](q *awsapi.Query, items []T, key func(T) string) (page []T, next string, err error) {
	maxItems, err := q.Int("MaxItems", "maxItems")
	if err != nil {
		return nil, "", err
	}
	switch {
	case q.Get("MaxItems") == "":
		maxItems = defaultMaxItems
	case maxItems < 1 || maxItems > maxMaxItems:
		return nil, "", awserr.Newf("ValidationError", "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and %d", maxItems, maxMaxItems)
	}
	start := 0
	if marker := q.Get("Marker"); marker != "" {
		from, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, "", awserr.New("ValidationError", "Invalid Marker.")
		}
		for start < len(items) && key(items[start]) < string(from) {
			start++
		}
	}
	end := start + int(min(maxItems, int64(len(items)-start)))
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end])))
	}
	return items[start:end], next, nil
}

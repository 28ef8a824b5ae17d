package userpool

import (
	"context"
	"encoding/base64"
)

// Page tokens are the last key of the previous page, encoded so clients
// treat them as opaque.
func encodePageToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func decodePageToken(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return "", invalidParameter("Invalid pagination token.")
	}
	return string(b), nil
}

// pageLimit applies an operation's page-size bounds; 0 means the largest page.
func pageLimit(requested, largest int) (int, error) {
	if requested == 0 {
		return largest, nil
	}
	if requested < 0 || requested > largest {
		return 0, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", requested, largest)
	}
	return requested, nil
}

// paginate returns the page of items (sorted by key) after the token's key,
// and the token for the next page when more remain.
func paginate[T any](items []T, key func(T) string, token string, limit int) ([]T, string, error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, "", err
	}
	page := make([]T, 0, min(limit, len(items)))
	for _, it := range items {
		if after != "" && key(it) <= after {
			continue
		}
		if len(page) == limit {
			return page, encodePageToken(key(page[limit-1])), nil
		}
		page = append(page, it)
	}
	return page, "", nil
}

// poolPage is one page of a pool's children, each as describe makes it
// for the answer: the pool must exist, the page is at most maxResults (max
// when 0, refused above max) long, and it starts after nextToken.
func poolPage[T, D any](ctx context.Context, s *Service, poolID string, maxResults, max int, nextToken string,
	list func(context.Context, string) ([]T, error), key func(T) string, describe func(T) (D, error)) ([]D, string, error) {
	if _, err := s.loadPool(ctx, poolID); err != nil {
		return nil, "", err
	}
	limit, err := pageLimit(maxResults, max)
	if err != nil {
		return nil, "", err
	}
	all, err := list(ctx, poolID)
	if err != nil {
		return nil, "", storeErr(err, poolNotFound(poolID))
	}
	page, next, err := paginate(all, key, nextToken, limit)
	if err != nil {
		return nil, "", err
	}
	described := make([]D, 0, len(page))
	for _, it := range page {
		d, err := describe(it)
		if err != nil {
			return nil, "", err
		}
		described = append(described, d)
	}
	return described, next, nil
}

package apigatewayapi

import (
	"net/url"
	"strconv"
)

const (
	defaultPageSize = 25
	maxPageSize     = 500
)

// listAnswer is API Gateway's answer to a Get…s call: one page of items
// and, when more remain, the next page's position.
type listAnswer[J any] struct {
	Items    []J    `json:"item"`
	Position string `json:"position,omitempty"`
}

// answerPage answers a Get…s call with one page of items (see page), each
// put in its wire shape by out.
func answerPage[T, J any](items []T, id func(T) string, q url.Values, out func(T) (J, error)) (listAnswer[J], error) {
	got, next, err := page(items, id, q)
	if err != nil {
		return listAnswer[J]{}, err
	}
	answer := listAnswer[J]{Items: make([]J, 0, len(got)), Position: next}
	for _, item := range got {
		j, err := out(item)
		if err != nil {
			return listAnswer[J]{}, err
		}
		answer.Items = append(answer.Items, j)
	}
	return answer, nil
}

// page cuts one page from items ordered by ID, as API Gateway pages: limit
// (1–500, default 25) items starting at position, which is the ID of the
// first item to return; the next page's position comes back when more remain.
func page[T any](items []T, id func(T) string, q url.Values) ([]T, string, error) {
	limit := defaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return nil, "", badRequest("limit must be between 1 and 500")
		}
		limit = n
	}
	start := 0
	if pos := q.Get("position"); pos != "" {
		for start < len(items) && id(items[start]) < pos {
			start++
		}
	}
	rest := items[start:]
	if len(rest) <= limit {
		return rest, "", nil
	}
	return rest[:limit], id(rest[limit]), nil
}

// boolParam reads an optional boolean query parameter.
func boolParam(q url.Values, name string) (bool, error) {
	s := q.Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badRequest(name + " must be true or false")
	}
	return b, nil
}

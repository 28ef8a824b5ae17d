package console

import "net/http"

// listed is one page of a paged list and the next page's token.
type listed[T any] struct {
	Items []T
	Next  string
}

// showList renders page name with what list answers for the ?page= token:
// the next page is asked of the same paged query the API uses.
func showList[T any](c *Console, w http.ResponseWriter, r *http.Request, rq *request, name string, v *view, list func(token string) ([]T, string, error)) {
	items, next, err := list(r.URL.Query().Get("page"))
	if err != nil {
		v.Flash = flash{Text: errorText(err), Error: true}
	}
	v.Data = listed[T]{Items: items, Next: next}
	c.show(w, r, rq, name, v)
}

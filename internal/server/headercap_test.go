package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// An AWS error quoting a huge client input keeps its whole message in the
// body, and x-amzn-ErrorMessage is cut to 1 KiB on a character boundary.
func TestErrorMessageHeaderIsCapped(t *testing.T) {
	srv := httptest.NewServer(capErrorMessage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg := "User pool " + r.URL.Query().Get("id") + " does not exist."
		w.Header().Set("x-amzn-ErrorMessage", msg)
		w.WriteHeader(400)
		io.WriteString(w, msg)
	})))
	defer srv.Close()
	for _, id := range []string{"eu-west-1_abc", strings.Repeat("é", 50<<10)} {
		res, err := http.Get(srv.URL + "?id=" + id)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		header := res.Header.Get("x-amzn-ErrorMessage")
		if len(header) > maxErrorMessageHeader || !utf8.ValidString(header) || !strings.HasPrefix(string(body), header) ||
			!strings.HasSuffix(string(body), id+" does not exist.") {
			t.Errorf("id of %d bytes: header of %d bytes (valid UTF-8: %v), body of %d", len(id), len(header), utf8.ValidString(header), len(body))
		}
		if len(id) < 100 && header != string(body) {
			t.Errorf("a short message was changed: %q vs %q", header, body)
		}
	}
}

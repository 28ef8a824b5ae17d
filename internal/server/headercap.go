package server

import (
	"net/http"
	"unicode/utf8"
)

// maxErrorMessageHeader bounds x-amzn-ErrorMessage. AWS's error messages
// quote what the client sent (a name, an id, a parameter), so without a cap
// a client could make moat send a header of any size; the body keeps the
// whole message.
const maxErrorMessageHeader = 1 << 10

// capErrorMessage applies maxErrorMessageHeader to every response of next.
func capErrorMessage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&cappedWriter{ResponseWriter: w}, r)
	})
}

type cappedWriter struct {
	http.ResponseWriter
	capped bool
}

func (c *cappedWriter) WriteHeader(code int) {
	c.capHeaders()
	c.ResponseWriter.WriteHeader(code)
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	c.capHeaders()
	return c.ResponseWriter.Write(p)
}

func (c *cappedWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *cappedWriter) capHeaders() {
	if c.capped {
		return
	}
	c.capped = true
	values := c.Header()["X-Amzn-Errormessage"]
	for i, v := range values {
		if len(v) > maxErrorMessageHeader {
			n := maxErrorMessageHeader
			for n > 0 && !utf8.RuneStart(v[n]) {
				n-- // never split a character
			}
			values[i] = v[:n]
		}
	}
}

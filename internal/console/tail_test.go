package console

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTailEndsWithSession: the live tail streams the API's requests as
// server-sent events and ends when its session does.
func TestTailEndsWithSession(t *testing.T) {
	tb, c, csrf := adminSession(t)
	res, err := c.Get(tb.url + "/console/apis/shop/tail")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("the tail: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(res.Body); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					return "(closed)"
				}
				if strings.HasPrefix(line, prefix) {
					return line
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no %q line", prefix)
			}
		}
	}
	next(": watching shop")
	get(t, http.DefaultClient, tb.gateway.URL+"/shop/open")
	if data := next("data: "); !strings.Contains(data, `"path":"/shop/open"`) || !strings.Contains(data, `"status":200`) {
		t.Errorf("the event: %s", data)
	}
	post(t, c, tb.url+"/console/signout", url.Values{"_csrf": {csrf}})
	get(t, http.DefaultClient, tb.gateway.URL+"/shop/open") // the stream notices at its next record
	if line := next("(closed)"); line != "(closed)" {
		t.Errorf("the tail outlived its session: %s", line)
	}
	if res, _ := get(t, browser(t), tb.url+"/console/apis/shop/tail"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a tail without a session: %d", res.StatusCode)
	}
}

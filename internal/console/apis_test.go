package console

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestAPIPageRouteCharts: the API page counts each route's requests and
// errors from moat's metrics and charts their latencies.
func TestAPIPageRouteCharts(t *testing.T) {
	tb, c, _ := adminSession(t)
	_, page := get(t, c, tb.url+"/console/apis/shop")
	if !strings.Contains(page, `<td data-label="Requests">0</td>`) || !strings.Contains(page, `<td data-label="Mean latency">—</td>`) || strings.Contains(page, "<svg") {
		t.Errorf("before any request: %s", page)
	}
	for range 3 {
		get(t, http.DefaultClient, tb.gateway.URL+"/shop/open")
	}
	res, page := get(t, c, tb.url+"/console/apis/shop")
	if res.StatusCode != 200 || !strings.Contains(page, `<td data-label="Requests">3</td>`) || !strings.Contains(page, `<td data-label="5xx">0</td>`) {
		t.Errorf("after 3 requests: %d %s", res.StatusCode, page)
	}
	bars := regexp.MustCompile(`<title>(≤[^:]+|more): (\d+)</title>`).FindAllStringSubmatch(page, -1)
	total := 0
	for _, b := range bars {
		n, _ := strconv.Atoi(b[2])
		total += n
	}
	if len(bars) != 12 || !strings.Contains(page, "over 3 requests since start") || total != 3 {
		t.Errorf("the latency chart's bars: %v", bars)
	}
	if res, _ := get(t, c, tb.url+"/console/apis/nope"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an API that is not served: %d", res.StatusCode)
	}
}

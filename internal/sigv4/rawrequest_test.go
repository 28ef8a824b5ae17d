package sigv4

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// parseRawRequest reads the test suite's .req/.sreq files, which net/http
// would refuse: spaces and raw UTF-8 in the request target, folded header
// lines, no trailing CRLF. A folded line is another value of the header
// above it, which is how the suite's canonical requests treat it.
func parseRawRequest(raw string) (*http.Request, []byte, error) {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	first := lines[0]
	sp1, sp2 := strings.IndexByte(first, ' '), strings.LastIndexByte(first, ' ')
	if sp1 < 0 || sp2 <= sp1 {
		return nil, nil, fmt.Errorf("bad request line %q", first)
	}
	method, target := first[:sp1], first[sp1+1:sp2]
	r := &http.Request{
		Method:     method,
		RequestURI: target,
		Proto:      first[sp2+1:],
		Header:     http.Header{},
		URL:        &url.URL{},
	}
	r.URL.Path, r.URL.RawQuery, _ = strings.Cut(target, "?")
	var last string
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "" {
				return nil, nil, fmt.Errorf("continuation line before any header")
			}
			r.Header.Add(last, strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, nil, fmt.Errorf("bad header line %q", line)
		}
		value = strings.TrimSpace(value)
		if strings.EqualFold(name, "Host") {
			r.Host = value
			last = ""
			continue
		}
		last = name
		r.Header.Add(name, value)
	}
	r.ContentLength = int64(len(body))
	r.Body = io.NopCloser(bytes.NewReader([]byte(body)))
	return r, []byte(body), nil
}

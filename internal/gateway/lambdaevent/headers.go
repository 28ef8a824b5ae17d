package lambdaevent

import (
	"net/http"
	"net/url"
	"strings"
)

// headersV1 are payload 1.0's headers (the last value of each) and
// multiValueHeaders (all of them), Host included; nil (null) when none.
func headersV1(r *http.Request) (map[string]string, map[string][]string) {
	n := len(r.Header)
	if r.Host != "" {
		n++
	}
	if n == 0 {
		return nil, nil
	}
	single := make(map[string]string, n)
	multi := make(map[string][]string, n)
	if r.Host != "" {
		single["Host"], multi["Host"] = r.Host, []string{r.Host}
	}
	for name, values := range r.Header {
		if len(values) == 0 {
			continue
		}
		single[name], multi[name] = values[len(values)-1], values
	}
	return single, multi
}

// headersV2 are payload 2.0's headers: names lower-cased, repeated values
// comma-joined, cookies left out (they travel in cookies[]).
func headersV2(r *http.Request) map[string]string {
	out := make(map[string]string, len(r.Header)+1)
	if r.Host != "" {
		out["host"] = r.Host
	}
	for name, values := range r.Header {
		if len(values) == 0 || name == "Cookie" {
			continue
		}
		out[strings.ToLower(name)] = strings.Join(values, ",")
	}
	return out
}

// cookies are the request's cookies as payload 2.0 lists them, one
// name=value each.
func cookies(r *http.Request) []string {
	var out []string
	for _, line := range r.Header["Cookie"] {
		for _, c := range strings.Split(line, ";") {
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// queryV1 is payload 1.0's queryStringParameters (last value) and
// multiValueQueryStringParameters; nil (null) when the query is empty.
func queryV1(u *url.URL) (map[string]string, map[string][]string) {
	if u.RawQuery == "" {
		return nil, nil
	}
	multi := u.Query()
	if len(multi) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(multi))
	for k, v := range multi {
		single[k] = v[len(v)-1]
	}
	return single, multi
}

// queryV2 is payload 2.0's queryStringParameters, repeated values
// comma-joined; nil when the query is empty.
func queryV2(u *url.URL) map[string]string {
	if u.RawQuery == "" {
		return nil
	}
	multi := u.Query()
	if len(multi) == 0 {
		return nil
	}
	out := make(map[string]string, len(multi))
	for k, v := range multi {
		out[k] = strings.Join(v, ",")
	}
	return out
}

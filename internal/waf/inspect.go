package waf

import (
	"net/http"
	"slices"
	"strings"
)

// part is the request component a FieldToMatch names.
type part uint8

const (
	partSingleHeader part = iota
	partSingleQueryArgument
	partAllQueryArguments
	partURIPath
	partQueryString
	partBody
	partMethod
	partHeaders
	partCookies
)

// oversize is WAFv2's OversizeHandling.
type oversize uint8

const (
	oversizeContinue oversize = iota
	oversizeMatch
	oversizeNoMatch
)

// scope is a map field's MatchScope: keys, values or both.
type scope uint8

const (
	scopeAll scope = iota
	scopeKey
	scopeValue
)

// WAFv2 inspects at most this much of the headers and of the cookies, and
// at most this many of either; past that a request's headers or cookies
// are oversize.
const (
	maxInspectedMapBytes = 8 * 1024
	maxInspectedMapItems = 200
)

// field is a compiled FieldToMatch.
type field struct {
	part     part
	name     string // SingleHeader, SingleQueryArgument
	oversize oversize
	scope    scope
	included []string // header names lower-cased; cookie names as written
	excluded []string
}

// each calls test with each value of the field until one passes and
// reports whether one did. An oversize body, header set or cookie set is
// decided by the field's OversizeHandling before anything is looked at.
func (f *field) each(ev *evaluation, test func(string) bool) bool {
	r := ev.req
	switch f.part {
	case partSingleHeader:
		v, ok := headerValue(r, f.name)
		return ok && test(v)
	case partSingleQueryArgument:
		v, ok := ev.queryArg(f.name)
		return ok && test(v)
	case partAllQueryArguments:
		for _, p := range ev.queryArgs() {
			if test(p.value) {
				return true
			}
		}
		return false
	case partURIPath:
		return test(r.Path)
	case partQueryString:
		return test(r.RawQuery)
	case partMethod:
		return test(r.Method)
	case partBody:
		if r.BodyTruncated {
			switch f.oversize {
			case oversizeMatch:
				return true
			case oversizeNoMatch:
				return false
			}
		}
		return test(r.Body)
	case partHeaders:
		return f.eachHeader(r, test)
	case partCookies:
		return f.eachCookie(ev, test)
	}
	return false
}

// headerValue is a header's value, its lines joined as HTTP joins them.
func headerValue(r *Request, name string) (string, bool) {
	if strings.EqualFold(name, "host") && r.Host != "" {
		return r.Host, true
	}
	values := r.Header[http.CanonicalHeaderKey(name)]
	switch len(values) {
	case 0:
		return "", false
	case 1:
		return values[0], true
	}
	return strings.Join(values, ", "), true
}

func (f *field) eachHeader(r *Request, test func(string) bool) bool {
	size, items := 0, 0
	for name, values := range r.Header {
		for _, v := range values {
			size += len(name) + len(v) + 4 // "name: value\r\n"
			items++
		}
	}
	limited := size > maxInspectedMapBytes || items > maxInspectedMapItems
	if limited {
		switch f.oversize {
		case oversizeMatch:
			return true
		case oversizeNoMatch:
			return false
		}
	}
	size, items = 0, 0
	visit := func(name, value string) (matched, stop bool) {
		size += len(name) + len(value) + 4
		items++
		if limited && (size > maxInspectedMapBytes || items > maxInspectedMapItems) {
			return false, true
		}
		if !f.selects(strings.ToLower(name)) {
			return false, false
		}
		return f.testEntry(name, value, test), false
	}
	if r.Host != "" {
		if matched, stop := visit("Host", r.Host); matched || stop {
			return matched
		}
	}
	for name, values := range r.Header {
		for _, v := range values {
			if matched, stop := visit(name, v); matched || stop {
				return matched
			}
		}
	}
	return false
}

func (f *field) eachCookie(ev *evaluation, test func(string) bool) bool {
	cookies := ev.cookieList()
	size := 0
	for _, c := range cookies {
		size += len(c.name) + len(c.value) + 2
	}
	if size > maxInspectedMapBytes || len(cookies) > maxInspectedMapItems {
		switch f.oversize {
		case oversizeMatch:
			return true
		case oversizeNoMatch:
			return false
		}
	}
	size = 0
	for i, c := range cookies {
		size += len(c.name) + len(c.value) + 2
		if i >= maxInspectedMapItems || size > maxInspectedMapBytes {
			return false
		}
		if f.selects(c.name) && f.testEntry(c.name, c.value, test) {
			return true
		}
	}
	return false
}

// selects applies a MatchPattern: All (no lists), IncludedX or ExcludedX.
func (f *field) selects(name string) bool {
	if f.included != nil {
		return slices.Contains(f.included, name)
	}
	return !slices.Contains(f.excluded, name)
}

func (f *field) testEntry(name, value string, test func(string) bool) bool {
	switch f.scope {
	case scopeKey:
		return test(name)
	case scopeValue:
		return test(value)
	}
	return test(name) || test(value)
}

package waf

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
)

type actionKind uint8

const (
	actionAllow actionKind = iota
	actionBlock
	actionCount
)

// String is the action as WAFv2 reports it in samples and logs.
func (k actionKind) String() string {
	switch k {
	case actionBlock:
		return "BLOCK"
	case actionCount:
		return "COUNT"
	}
	return "ALLOW"
}

// action is a compiled RuleAction or DefaultAction.
type action struct {
	kind     actionKind
	insert   []CustomHTTPHeader // names already carry x-amzn-waf-
	response *Response
}

// Response is a Block's CustomResponse, ready to send.
type Response struct {
	Status      int
	Headers     []CustomHTTPHeader
	ContentType string // a MIME type; "" when there is no body
	Body        string
}

// Write sends the custom response.
func (r *Response) Write(w http.ResponseWriter) {
	for _, h := range r.Headers {
		w.Header().Add(h.Name, h.Value)
	}
	if r.ContentType != "" {
		w.Header().Set("Content-Type", r.ContentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(r.Body)))
	w.WriteHeader(r.Status)
	_, _ = io.WriteString(w, r.Body)
}

// insertedHeaderPrefix is what WAFv2 puts before the names of headers
// CustomRequestHandling inserts.
const insertedHeaderPrefix = "x-amzn-waf-"

var (
	headerNamePattern = regexp.MustCompile(`^[a-zA-Z0-9._$-]{1,64}$`)
	entityNamePattern = regexp.MustCompile(`^[\w\-]{1,128}$`)
)

var contentTypes = map[string]string{
	"TEXT_PLAIN":       "text/plain",
	"TEXT_HTML":        "text/html",
	"APPLICATION_JSON": "application/json",
}

// maxCustomResponseBody is WAFv2's limit on one custom body.
const maxCustomResponseBody = 10240

func compileBodies(bodies map[string]CustomResponseBody) error {
	for key, b := range bodies {
		if !entityNamePattern.MatchString(key) {
			return invalid("CUSTOM_RESPONSE_BODY", key, "CustomResponseBodies keys are 1 to 128 letters, digits, _ and -")
		}
		if _, ok := contentTypes[b.ContentType]; !ok {
			return invalid("RESPONSE_CONTENT_TYPE", b.ContentType, "ContentType must be TEXT_PLAIN, TEXT_HTML or APPLICATION_JSON")
		}
		if len(b.Content) == 0 || len(b.Content) > maxCustomResponseBody {
			return invalid("CUSTOM_RESPONSE_BODY", key, "Content must be 1 to %d characters", maxCustomResponseBody)
		}
		if b.ContentType == "APPLICATION_JSON" && !json.Valid([]byte(b.Content)) {
			return invalid("CUSTOM_RESPONSE_BODY", key, "Content of an APPLICATION_JSON body must be valid JSON")
		}
	}
	return nil
}

// compileRuleAction reads a RuleAction: exactly one of Allow, Block, Count.
func compileRuleAction(a *RuleAction, bodies map[string]CustomResponseBody) (action, error) {
	if a == nil {
		return action{}, invalid("RULE_ACTION", "", "Action is required")
	}
	if a.Captcha != nil || a.Challenge != nil {
		return action{}, invalid("RULE_ACTION", "Captcha/Challenge", "moat does not support CAPTCHA or Challenge actions: they need AWS's token service; use Block or Count")
	}
	n := 0
	var out action
	var err error
	if a.Allow != nil {
		n++
		out.kind = actionAllow
		out.insert, err = compileInsertHeaders(a.Allow.CustomRequestHandling)
	}
	if a.Block != nil {
		n++
		out.kind = actionBlock
		out.response, err = compileCustomResponse(a.Block.CustomResponse, bodies)
	}
	if a.Count != nil {
		n++
		out.kind = actionCount
		out.insert, err = compileInsertHeaders(a.Count.CustomRequestHandling)
	}
	if n != 1 {
		return action{}, invalid("RULE_ACTION", "", "Action must be exactly one of Allow, Block, Count")
	}
	return out, err
}

func compileDefaultAction(a *DefaultAction, bodies map[string]CustomResponseBody) (action, error) {
	if a == nil || (a.Allow == nil) == (a.Block == nil) {
		return action{}, invalid("DEFAULT_ACTION", "", "DefaultAction must be exactly one of Allow, Block")
	}
	return compileRuleAction(&RuleAction{Allow: a.Allow, Block: a.Block}, bodies)
}

func compileInsertHeaders(h *CustomRequestHandling) ([]CustomHTTPHeader, error) {
	if h == nil {
		return nil, nil
	}
	if len(h.InsertHeaders) == 0 {
		return nil, invalid("CUSTOM_REQUEST_HANDLING", "", "InsertHeaders must list at least one header")
	}
	out := make([]CustomHTTPHeader, 0, len(h.InsertHeaders))
	for _, hd := range h.InsertHeaders {
		if err := checkHeader(hd, "CUSTOM_REQUEST_HANDLING"); err != nil {
			return nil, err
		}
		out = append(out, CustomHTTPHeader{Name: insertedHeaderPrefix + hd.Name, Value: hd.Value})
	}
	return out, nil
}

func compileCustomResponse(c *CustomResponse, bodies map[string]CustomResponseBody) (*Response, error) {
	if c == nil {
		return nil, nil
	}
	if c.ResponseCode < 200 || c.ResponseCode > 599 {
		return nil, invalid("CUSTOM_RESPONSE", fmt.Sprint(c.ResponseCode), "ResponseCode must be 200 to 599")
	}
	r := &Response{Status: int(c.ResponseCode)}
	if c.CustomResponseBodyKey != "" {
		b, ok := bodies[c.CustomResponseBodyKey]
		if !ok {
			return nil, invalid("CUSTOM_RESPONSE", c.CustomResponseBodyKey, "CustomResponseBodyKey names no entry of the web ACL's CustomResponseBodies")
		}
		r.ContentType, r.Body = contentTypes[b.ContentType], b.Content
	}
	for _, hd := range c.ResponseHeaders {
		if err := checkHeader(hd, "CUSTOM_RESPONSE"); err != nil {
			return nil, err
		}
		r.Headers = append(r.Headers, hd)
	}
	return r, nil
}

func checkHeader(h CustomHTTPHeader, field string) error {
	if !headerNamePattern.MatchString(h.Name) {
		return invalid(field, h.Name, "header names are 1 to 64 of a-z A-Z 0-9 . _ $ -")
	}
	if len(h.Value) == 0 || len(h.Value) > 255 {
		return invalid(field, h.Name, "header values are 1 to 255 characters")
	}
	return nil
}

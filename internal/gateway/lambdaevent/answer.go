package lambdaevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/moat-dev/moat/internal/iam"
)

// Answer is what a Lambda authorizer decided.
type Answer struct {
	// Policy is the returned policyDocument, compiled; nil for a simple
	// response, which decides by Authorized alone.
	Policy     *iam.Policy
	Authorized bool
	// PrincipalID, Context and UsageIdentifierKey are passed on as the
	// request's identity.
	PrincipalID        string
	Context            map[string]any
	UsageIdentifierKey string
}

// ErrBadAnswer is an authorizer answer API Gateway refuses (500).
var ErrBadAnswer = errors.New("malformed Lambda authorizer response")

func badAnswer(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadAnswer, fmt.Sprintf(format, args...))
}

// ParsePolicyAnswer reads {principalId, policyDocument, context,
// usageIdentifierKey}. With stringify (REST, payload 1.0) context values
// must be strings, numbers or booleans and become strings, as the backend
// reads them; otherwise (2.0) they stay as returned.
func ParsePolicyAnswer(result []byte, stringify bool) (*Answer, error) {
	var r struct {
		PrincipalID        json.RawMessage `json:"principalId"`
		PolicyDocument     json.RawMessage `json:"policyDocument"`
		Context            json.RawMessage `json:"context"`
		UsageIdentifierKey json.RawMessage `json:"usageIdentifierKey"`
	}
	if !isObject(result) || json.Unmarshal(result, &r) != nil {
		return nil, badAnswer("the answer is not a JSON object")
	}
	if len(r.PolicyDocument) == 0 || string(r.PolicyDocument) == "null" {
		return nil, badAnswer("policyDocument is missing")
	}
	policy, err := iam.ParsePolicy(r.PolicyDocument)
	if err != nil {
		return nil, badAnswer("policyDocument: %v", err)
	}
	a := &Answer{Policy: policy}
	if a.PrincipalID, err = optionalString("principalId", r.PrincipalID); err != nil {
		return nil, err
	}
	if a.UsageIdentifierKey, err = optionalString("usageIdentifierKey", r.UsageIdentifierKey); err != nil {
		return nil, err
	}
	if a.Context, err = parseContext(r.Context, stringify); err != nil {
		return nil, err
	}
	return a, nil
}

// ParseSimpleAnswer reads 2.0's {"isAuthorized": bool, "context": {…}};
// isAuthorized must be a JSON boolean ("false" grants nothing and is refused).
func ParseSimpleAnswer(result []byte) (*Answer, error) {
	var r struct {
		IsAuthorized json.RawMessage `json:"isAuthorized"`
		Context      json.RawMessage `json:"context"`
	}
	if !isObject(result) || json.Unmarshal(result, &r) != nil {
		return nil, badAnswer("the answer is not a JSON object")
	}
	a := &Answer{}
	if json.Unmarshal(r.IsAuthorized, &a.Authorized) != nil {
		return nil, badAnswer("isAuthorized is not true or false")
	}
	var err error
	if a.Context, err = parseContext(r.Context, false); err != nil {
		return nil, err
	}
	return a, nil
}

func optionalString(field string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", badAnswer("%s is not a string", field)
	}
	return s, nil
}

func parseContext(raw json.RawMessage, stringify bool) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers keep their text
	var ctx map[string]any
	if dec.Decode(&ctx) != nil || ctx == nil {
		return nil, badAnswer("context is not a JSON object")
	}
	if !stringify {
		return ctx, nil
	}
	for k, v := range ctx {
		switch v := v.(type) {
		case string:
		case json.Number:
			ctx[k] = v.String()
		case bool:
			ctx[k] = strconv.FormatBool(v)
		case nil:
			delete(ctx, k)
		default:
			return nil, badAnswer("context value %q is an object or array; only strings, numbers and booleans are allowed", k)
		}
	}
	return ctx, nil
}

// ErrorMessage is a failed function's errorMessage ("Unauthorized" tells
// API Gateway to answer 401), or "" when the result has none.
func ErrorMessage(result []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(result, &e) != nil {
		return ""
	}
	return e.ErrorMessage
}

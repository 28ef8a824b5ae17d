package cognitoproxy

import (
	"encoding/json"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// decodeFields reads a JSON object's members, refusing one spelt like a
// guarded name without being it.
func decodeFields(body []byte, guarded []string) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, errNotObject
	}
	if err := checkSpelling(fields, guarded); err != nil {
		return nil, err
	}
	return fields, nil
}

func checkSpelling[V any](m map[string]V, guarded []string) error {
	for key := range m {
		for _, g := range guarded {
			if key != g && strings.EqualFold(key, g) {
				return awserr.Newf(awserr.Serialization, "Unrecognized field %q (did you mean %s?)", key, g)
			}
		}
	}
	return nil
}

// stringField is a string member ("" when absent or null).
func stringField(fields map[string]json.RawMessage, name string) (string, error) {
	raw, ok := fields[name]
	if !ok {
		return "", nil
	}
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", awserr.Newf(awserr.Serialization, "%s must be a string.", name)
	}
	if s == nil {
		return "", nil
	}
	return *s, nil
}

func setString(fields map[string]json.RawMessage, name, value string) {
	fields[name], _ = json.Marshal(value) // a string
}

// parameters is a map-of-strings member (AuthParameters,
// ChallengeResponses), its values kept as sent: a null stays null.
func parameters(fields map[string]json.RawMessage, name string) (map[string]json.RawMessage, error) {
	params := map[string]json.RawMessage{}
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return params, nil
	}
	var values map[string]*string
	if err := json.Unmarshal(raw, &values); err != nil {
		return nil, awserr.Newf(awserr.Serialization, "%s must be a map of strings.", name)
	}
	if err := checkSpelling(values, guardedParameters); err != nil {
		return nil, err
	}
	for k, v := range values {
		params[k], _ = json.Marshal(v) // a string or null
	}
	return params, nil
}

func setParameters(fields map[string]json.RawMessage, name string, params map[string]json.RawMessage) {
	fields[name], _ = json.Marshal(params) // strings and nulls
}

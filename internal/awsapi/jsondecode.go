package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/moat-dev/moat/internal/awserr"
)

// decodeJSON reads a JSON request body into into, as AWS JSON 1.1 and
// REST-JSON send them: an empty body is {}, unknown members are ignored, and
// anything else wrong is an *awserr.Error saying what and where.
func decodeJSON(body []byte, into any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(into); err != nil {
		return serializationError(err)
	}
	if dec.More() {
		return awserr.New(awserr.Serialization, "Unexpected data after the JSON request body.")
	}
	if hasEscapedNUL(body) {
		return errNUL
	}
	return nil
}

// errNUL is a constraint broken, answered with the service's ValidationCode.
var errNUL = awserr.New(awserr.InvalidParameter, "1 validation error detected: a string member contains the character U+0000, which no member allows.")

// hasEscapedNUL reports whether a JSON text holds \u0000 as an escape (valid
// JSON cannot hold a raw NUL). No AWS member accepts U+0000, and PostgreSQL
// cannot store it, so it is refused here rather than failing deep inside.
func hasEscapedNUL(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if bytes.HasPrefix(body[i+1:], []byte("u0000")) {
			return true
		}
		i++ // skip the escaped character, so \\u0000 is a backslash and text
	}
	return false
}

// serializationError explains a decode failure the way a client author can
// act on: which member had the wrong type, or where the JSON broke.
func serializationError(err error) *awserr.Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return awserr.Newf(awserr.Serialization, "Member %s cannot be a JSON %s; expected %s.", typeErr.Field, typeErr.Value, jsonKind(typeErr.Type.Kind()))
	case errors.As(err, &typeErr):
		return awserr.Newf(awserr.Serialization, "The request body cannot be a JSON %s; expected an object.", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return awserr.Newf(awserr.Serialization, "The request body is not valid JSON (at byte %d).", syntaxErr.Offset)
	default:
		return awserr.New(awserr.Serialization, "The request body is not valid JSON.")
	}
}

// jsonKind names the JSON type a Go kind is decoded from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

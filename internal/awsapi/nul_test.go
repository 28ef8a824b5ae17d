package awsapi

import (
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

func TestHasEscapedNUL(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a":"x\u0000y"}`:   true,
		`{"a":"\u0000"}`:     true,
		`{"a":"x\\u0000y"}`:  false, // an escaped backslash, then the text u0000
		`{"a":"x\\\u0000y"}`: true,
		`{"a":"\u00001"}`:    true,
		`{"a":"\u0001"}`:     false,
		`{"a":"plain"}`:      false,
		`{"a":"trailing\\"}`: false,
	} {
		if got := hasEscapedNUL([]byte(body)); got != want {
			t.Errorf("hasEscapedNUL(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestNULIsRefused(t *testing.T) {
	type req struct{ Name string }
	var got req
	err := decodeJSON([]byte(`{"Name":"a\u0000b"}`), &got)
	if e, ok := awserr.As(err); !ok || e.Code != awserr.InvalidParameter {
		t.Fatalf("decode of a NUL string: %v", err)
	}
}

// Package oidcjwttest signs tokens for tests the way an outside identity
// provider would: a compact JWS over a JSON payload, naming its key.
package oidcjwttest

import (
	"encoding/json"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// Sign is claims (a JSON-marshalable value, or raw bytes) signed with key by
// alg, with kid in the header ("" for none), in compact serialization.
func Sign(t testing.TB, alg jose.SignatureAlgorithm, kid string, key any, claims any) string {
	t.Helper()
	payload, ok := claims.([]byte)
	if !ok {
		var err error
		if payload, err = json.Marshal(claims); err != nil {
			t.Fatal(err)
		}
	}
	opts := &jose.SignerOptions{}
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

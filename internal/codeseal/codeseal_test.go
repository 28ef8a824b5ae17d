package codeseal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"testing"
)

// open is what a handler does with its key and request.code (the
// handlers moat's tests run are in docs/triggers.md).
func open(keyB64, sealed string) (string, error) {
	key, _ := base64.StdEncoding.DecodeString(keyB64)
	data, _ := base64.StdEncoding.DecodeString(sealed)
	block, err := aes.NewCipher(key)
	if err != nil || len(data) < 12 {
		return "", fmt.Errorf("no key or no code: %v", err)
	}
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, data[:12], data[12:], nil)
	return string(plain), err
}

func TestSealOpensWithTheFunctionsKeyOnly(t *testing.T) {
	k, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal("arn:aws:lambda:us-east-1:000000000000:function:sender:live", "123456")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := k.Seal("sender", "123456")
	if sealed == again {
		t.Fatal("two seals of one code are equal: the nonce is not fresh")
	}
	if code, err := open(k.Environment("sender")[EnvVar], sealed); err != nil || code != "123456" {
		t.Fatalf("the function's key opens %q, %v; want 123456", code, err)
	}
	if _, err := open(k.Environment("other")[EnvVar], sealed); err == nil {
		t.Fatal("another function's key opens the code")
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	if _, err := open(other.Environment("sender")[EnvVar], sealed); err == nil {
		t.Fatal("another deployment's key opens the code")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("a short secret is accepted")
	}
}

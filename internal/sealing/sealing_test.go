package sealing

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpensOnlyInItsPlace(t *testing.T) {
	master, _ := GenerateMasterKey()
	dk, _, err := master.WrapDataKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	sealed := dk.Seal([]byte("s3cret"), []byte("clients\x00secret\x00c1"))
	if !IsSealed(sealed) || strings.Contains(sealed, "s3cret") {
		t.Fatalf("sealed form %q", sealed)
	}
	env, err := ParseEnvelope(sealed)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dk.Open(env, []byte("clients\x00secret\x00c1"))
	if err != nil || string(got) != "s3cret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := dk.Open(env, []byte("clients\x00secret\x00c2")); err == nil {
		t.Fatal("a value moved to another row opened")
	}
}

func TestUnwrapNeedsTheSameMasterKey(t *testing.T) {
	master, _ := GenerateMasterKey()
	dk, wrapped, err := master.WrapDataKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := master.UnwrapDataKey("k1", wrapped)
	if err != nil || string(again.raw) != string(dk.raw) {
		t.Fatalf("unwrap with the same key: %v", err)
	}
	if _, err := master.UnwrapDataKey("k2", wrapped); err == nil {
		t.Fatal("a wrapped key opened under another data key ID")
	}
	other, _ := GenerateMasterKey()
	var wrong *WrongMasterKeyError
	if _, err := other.UnwrapDataKey("k1", wrapped); !errors.As(err, &wrong) || wrong.SealedUnder != master.ID() || wrong.Given != other.ID() {
		t.Fatalf("unwrap with another key: %v", err)
	}
	rewrapped, err := other.Rewrap(dk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.UnwrapDataKey("k1", rewrapped); err != nil {
		t.Fatalf("unwrap after rewrap: %v", err)
	}
	if _, err := master.UnwrapDataKey("k1", rewrapped); !errors.As(err, &wrong) {
		t.Fatalf("the old key still opens the rewrapped data key: %v", err)
	}
}

func TestParseMasterKey(t *testing.T) {
	key, text := GenerateMasterKey()
	parsed, err := ParseMasterKey(text)
	if err != nil || parsed.ID() != key.ID() {
		t.Fatalf("ParseMasterKey(generated) = %v, %v", parsed.ID(), err)
	}
	for _, bad := range []string{"", "not base64!", "c2hvcnQ=", strings.Repeat("A", 64)} {
		if _, err := ParseMasterKey(bad); !errors.Is(err, ErrMasterKeyFormat) {
			t.Errorf("ParseMasterKey(%q) = %v, want ErrMasterKeyFormat", bad, err)
		}
	}
}

func FuzzParseEnvelope(f *testing.F) {
	master, _ := GenerateMasterKey()
	dk, _, _ := master.WrapDataKey("k1")
	f.Add(dk.Seal([]byte("x"), nil))
	f.Add("moat:sealed:v1::")
	f.Add("moat:sealed:v2:k:AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		env, err := ParseEnvelope(s)
		if err != nil {
			return
		}
		if strings.Contains(env.KeyID(), ":") || len(env.box) < gcmNonceSize+gcmTagSize {
			t.Fatalf("accepted a malformed envelope %q", s)
		}
		_, _ = dk.Open(env, nil) // must not panic on any box

	})
}

func FuzzParseMasterKey(f *testing.F) {
	_, text := GenerateMasterKey()
	f.Add(text)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseMasterKey(s)
		if err == nil && k.IsZero() {
			t.Fatal("parsed a key with no ID")
		}
	})
}

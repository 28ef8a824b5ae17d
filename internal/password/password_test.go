package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("Correct-Horse-9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC prefix: %s", h)
	}
	if ok, err := Verify(h, "Correct-Horse-9"); !ok || err != nil {
		t.Fatalf("right password rejected: %v %v", ok, err)
	}
	if ok, _ := Verify(h, "Correct-Horse-8"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := Hash("Correct-Horse-9")
	if h == h2 {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := Verify(h, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", h)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("seed")
	f.Add(h, "seed")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		_, _ = Verify(hash, pw) // must not panic
	})
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("Correct-Horse-9"); err != nil {
			b.Fatal(err)
		}
	}
}

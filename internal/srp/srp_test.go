package srp_test

import (
	"encoding/base64"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/srp"
	"github.com/moat-dev/moat/internal/srp/srptest"
)

// exchange runs the server's side against the independent test client.
func exchange(t *testing.T, v srp.Verifier, password string) (srp.Exchange, srp.Claim) {
	t.Helper()
	c := srptest.NewClient()
	a, ok := srp.ParseA(c.A())
	if !ok {
		t.Fatal("the client's A does not parse")
	}
	e, ok := srp.Begin(v, a)
	if !ok {
		t.Fatal("Begin refused a valid verifier")
	}
	block := []byte("sealed-state")
	ts := "Thu Nov 5 14:03:09 UTC 2026"
	params := map[string]string{"USER_ID_FOR_SRP": "alice", "SRP_B": e.B, "SALT": v.Salt,
		"SECRET_BLOCK": base64.StdEncoding.EncodeToString(block)}
	return e, srp.Claim{PoolName: "AbCdEf", Username: "alice", SecretBlock: block, Timestamp: ts,
		Signature: c.Sign(t, "us-east-1_AbCdEf", password, params, ts)}
}

func TestProof(t *testing.T) {
	v := srp.NewVerifier("AbCdEf", "alice", "Right-Pass-1")
	e, claim := exchange(t, v, "Right-Pass-1")
	if !e.Verify(v, claim) {
		t.Fatal("the right password's proof is refused")
	}
	for name, change := range map[string]func(*srp.Claim){
		"timestamp": func(c *srp.Claim) { c.Timestamp = "Thu Nov 5 14:03:10 UTC 2026" },
		"block":     func(c *srp.Claim) { c.SecretBlock = []byte("other-state") },
		"username":  func(c *srp.Claim) { c.Username = "bob" },
		"signature": func(c *srp.Claim) { c.Signature = "!!" },
	} {
		changed := claim
		change(&changed)
		if e.Verify(v, changed) {
			t.Errorf("a proof with another %s is accepted", name)
		}
	}
	e, claim = exchange(t, v, "Wrong-Pass-1")
	if e.Verify(v, claim) {
		t.Fatal("a wrong password's proof is accepted")
	}
}

func TestDecoy(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a, b := srp.Decoy(key, "pool\x00nobody"), srp.Decoy(key, "pool\x00nobody")
	if a != b || !a.Valid() || a == srp.Decoy(key, "pool\x00other") || a == srp.Decoy([]byte("another key"), "pool\x00nobody") {
		t.Fatalf("decoys must be stable per id and key, and differ otherwise: %+v %+v", a, b)
	}
	e, claim := exchange(t, a, "Any-Pass-1")
	if e.Verify(a, claim) {
		t.Fatal("a decoy verifier accepted a proof")
	}
	if (srp.Verifier{}).Valid() {
		t.Fatal("an empty verifier is valid")
	}
	if _, ok := srp.Begin(srp.Verifier{}, a2()); ok {
		t.Fatal("Begin accepted an empty verifier")
	}
}

func a2() *big.Int {
	n, _ := srp.ParseA("2")
	return n
}

func TestTimestampFresh(t *testing.T) {
	now := time.Date(2026, 11, 5, 14, 3, 9, 0, time.UTC)
	for _, tc := range []struct {
		when  time.Time
		fresh bool
	}{
		{now, true}, {now.Add(5 * time.Minute), true}, {now.Add(-5 * time.Minute), true},
		{now.Add(6 * time.Minute), false}, {now.Add(-12 * time.Hour), true}, {now.Add(-6 * time.Hour), false},
	} {
		if got := srp.TimestampFresh(tc.when, now); got != tc.fresh {
			t.Errorf("%s against %s: fresh %v", tc.when, now, got)
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, seed := range []string{"Thu Nov 5 14:03:09 UTC 2026", "Thu Nov 05 14:03:09 UTC 2026", "Mon Jan 2 15:04:05 MST 2006", "", "Thu Nov 5 99:03:09 UTC 2026"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ts string) {
		when, canonical, err := srp.ParseTimestamp(ts)
		if err != nil {
			if !errors.Is(err, srp.ErrTimestampFormat) {
				t.Fatalf("%q: %v", ts, err)
			}
			return
		}
		if canonical && when.Format(srp.TimestampLayout) != ts {
			t.Fatalf("%q called canonical", ts)
		}
	})
}

func FuzzParseA(f *testing.F) {
	for _, seed := range []string{"0", "1", "2", srp.N.Text(16), "-1", "+ff", "0x10", "abc_def"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, ok := srp.ParseA(text)
		if ok && (a.Sign() <= 0 || a.Cmp(srp.N) >= 0) {
			t.Fatalf("%q accepted as %v", text, a)
		}
	})
}

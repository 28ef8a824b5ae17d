package siwe

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exampleMessage and exampleSignature are verification_positive.json's
// "example message", inline so the fuzzers run without the vectors.
const (
	exampleMessage = "login.xyz wants you to sign in with your Ethereum account:\n" +
		"0x9D85ca56217D2bb651b00f15e694EB7E713637D4\n\n" +
		"Sign-In With Ethereum Example Statement\n\n" +
		"URI: https://login.xyz\nVersion: 1\nChain ID: 1\nNonce: bTyXgcQxn2htgkjJn\n" +
		"Issued At: 2022-01-27T17:09:38.578Z\nExpiration Time: 2100-01-07T14:31:43.952Z"
	exampleSignature = "0xdc35c7f8ba2720df052e0092556456127f00f7707eaa8e3bbff7e56774e7f2e05a093cfc9e02964c33d86e8e066e221b7d153d27e5a2e97ccd5ca7d3f2ce06cb1b"
)

// FuzzParseMessage: ParseMessage never panics, and whatever it accepts is
// valid and writes back as exactly the input — the property Verify relies
// on, since the signature covers the text.
func FuzzParseMessage(f *testing.F) {
	f.Add(exampleMessage)
	f.Add(base)
	addVectorMessages(f)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMessage(s)
		if err != nil {
			return
		}
		if got := m.String(); got != s {
			t.Fatalf("accepted %q but writes it back as %q", s, got)
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted %q, which Validate refuses: %v", s, err)
		}
	})
}

// addVectorMessages seeds the corpus with the official messages, when present.
func addVectorMessages(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(vectorDir, "parsing_positive.json")); err == nil {
		var cases map[string]struct{ Message string }
		if json.Unmarshal(data, &cases) == nil {
			for _, c := range cases {
				f.Add(c.Message)
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(vectorDir, "parsing_negative.json")); err == nil {
		var cases map[string]string
		if json.Unmarshal(data, &cases) == nil {
			for _, msg := range cases {
				f.Add(msg)
			}
		}
	}
}

// FuzzVerify: arbitrary signatures, as bytes and as text, never panic and
// are never accepted unless they are the real one. The 1-byte changes
// in the seeds cover v, r and s edits.
func FuzzVerify(f *testing.F) {
	good, _ := hex.DecodeString(exampleSignature[2:])
	f.Add(good, exampleSignature)
	f.Add(good[:64], "0x")
	f.Add(append(append([]byte(nil), good[:64]...), 0), "zz")
	f.Add([]byte{}, "0x0")
	f.Add(make([]byte, 65), exampleSignature+"1b")
	m, err := ParseMessage(exampleMessage)
	if err != nil {
		f.Fatal(err)
	}
	opts := VerifyOptions{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	// isGood: the real signature, with v written as 27/28 or 0/1.
	isGood := func(sig []byte) bool {
		return len(sig) == 65 && bytes.Equal(sig[:64], good[:64]) && (sig[64] == good[64] || sig[64] == good[64]-27)
	}
	f.Fuzz(func(t *testing.T, raw []byte, text string) {
		for _, sig := range []string{"0x" + hex.EncodeToString(raw), text} {
			err := m.Verify(context.Background(), sig, opts)
			decoded, _ := hex.DecodeString(strings.TrimPrefix(sig, "0x"))
			if err == nil && !isGood(decoded) {
				t.Fatalf("accepted signature %q", sig)
			}
		}
		if addr, err := RecoverAddress([]byte(exampleMessage), raw); err == nil && addr == m.Address && !isGood(raw) {
			t.Fatalf("recovered the signer from %x", raw)
		}
	})
}

package siwe

import (
	"encoding/hex"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMessage(base); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecover(b *testing.B) {
	sig, _ := hex.DecodeString(exampleSignature[2:])
	message := []byte(exampleMessage)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RecoverAddress(message, sig); err != nil {
			b.Fatal(err)
		}
	}
}

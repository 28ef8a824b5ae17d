package demo

import (
	"crypto/rand"
	"strings"
)

// passwordAlphabet leaves out look-alikes (0/O, 1/l/I), since people copy the
// password from a terminal, and anything a shell or JSON would need quoted.
const (
	lowerLetters     = "abcdefghijkmnopqrstuvwxyz"
	upperLetters     = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	digits           = "23456789"
	passwordAlphabet = lowerLetters + upperLetters + digits
)

// newPassword returns four dash-separated groups of five random characters
// (about 115 bits) holding a lower-case letter, an upper-case letter and a
// digit, so it meets Cognito's default policy (the dash is its symbol).
func newPassword() string {
	for {
		var b strings.Builder
		for i := range 4 {
			if i > 0 {
				b.WriteByte('-')
			}
			for range 5 {
				b.WriteByte(passwordAlphabet[randomIndex(len(passwordAlphabet))])
			}
		}
		pw := b.String()
		if strings.ContainsAny(pw, lowerLetters) && strings.ContainsAny(pw, upperLetters) && strings.ContainsAny(pw, digits) {
			return pw
		}
	}
}

// randomIndex is uniform in [0, n) for n ≤ 256: bytes past the largest
// multiple of n are drawn again rather than folded, which would bias.
func randomIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

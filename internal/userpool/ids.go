package userpool

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"strings"

	"github.com/google/uuid"
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString draws n characters uniformly from alphabet.
func randomString(alphabet string, n int) string {
	var b strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// newPoolID mints an id in Cognito's shape, <region>_<9 alnum>, which SDKs
// split on "_" to find the region.
func newPoolID(region string) string { return region + "_" + randomString(alnum, 9) }

// newClientID mints a 26-character id like Cognito's.
func newClientID() string { return randomString(lowerAlnum, 26) }

// newClientSecret mints a 51-character secret like Cognito's.
func newClientSecret() string { return randomString(lowerAlnum, 51) }

func newSub() string { return uuid.NewString() }

// newOpaqueToken returns n random bytes, URL-safe encoded.
func newOpaqueToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

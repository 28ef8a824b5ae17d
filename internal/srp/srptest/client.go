// Package srptest is the client side of Cognito's SRP for tests, written
// from the reference the way amazon-cognito-identity-js does it, on hex
// strings, so it checks the server's byte-level encoding independently.
package srptest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/srp"
)

// Client is one sign-in's client secret a and public A.
type Client struct{ a, bigA *big.Int }

// NewClient picks a fresh a.
func NewClient() Client {
	raw := make([]byte, 128)
	rand.Read(raw)
	a := new(big.Int).SetBytes(raw)
	return Client{a: a, bigA: new(big.Int).Exp(big.NewInt(2), a, srp.N)}
}

// A is SRP_A, in hex.
func (c Client) A() string { return c.bigA.Text(16) }

func padHex(n *big.Int) string {
	h := n.Text(16)
	if len(h)%2 == 1 {
		return "0" + h
	}
	if strings.ContainsAny(h[:1], "89abcdef") {
		return "00" + h
	}
	return h
}

func hashHex(hexText string) *big.Int {
	raw, err := hex.DecodeString(hexText)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(raw)
	return new(big.Int).SetBytes(sum[:])
}

func hexBytes(n *big.Int) []byte {
	raw, _ := hex.DecodeString(padHex(n))
	return raw
}

// Sign answers a PASSWORD_VERIFIER challenge (its ChallengeParameters) as
// the client would, returning PASSWORD_CLAIM_SIGNATURE.
func (c Client) Sign(t testing.TB, poolID, password string, params map[string]string, timestamp string) string {
	t.Helper()
	return c.SignAs(t, strings.Split(poolID, "_")[1], params["USER_ID_FOR_SRP"], password, params, timestamp)
}

// SignAs is Sign with the names in the hashes given: a device signs as its
// group key and device key (DEVICE_PASSWORD_VERIFIER).
func (c Client) SignAs(t testing.TB, poolName, username, password string, params map[string]string, timestamp string) string {
	t.Helper()
	signature, err := c.Answer(poolName, username, password, params, timestamp)
	if err != nil {
		t.Fatal(err)
	}
	return signature
}

// Answer is SignAs for callers that are not tests (a benchmark): a
// challenge it cannot answer is an error.
func (c Client) Answer(poolName, username, password string, params map[string]string, timestamp string) (string, error) {
	bigB, okB := new(big.Int).SetString(params["SRP_B"], 16)
	salt, okS := new(big.Int).SetString(params["SALT"], 16)
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if !okB || !okS || err != nil || username == "" {
		return "", fmt.Errorf("challenge parameters: %v", params)
	}
	n, g := srp.N, big.NewInt(2)
	k := hashHex(padHex(n) + padHex(g))
	u := hashHex(padHex(c.bigA) + padHex(bigB))
	inner := sha256.Sum256([]byte(poolName + username + ":" + password))
	x := hashHex(padHex(salt) + hex.EncodeToString(inner[:]))
	base := new(big.Int).Sub(bigB, new(big.Int).Mul(k, new(big.Int).Exp(g, x, n)))
	base.Mod(base, n)
	exp := new(big.Int).Add(c.a, new(big.Int).Mul(u, x))
	s := new(big.Int).Exp(base, exp, n)
	prk := hmac.New(sha256.New, hexBytes(u))
	prk.Write(hexBytes(s))
	okm := hmac.New(sha256.New, prk.Sum(nil))
	okm.Write([]byte("Caldera Derived Key\x01"))
	mac := hmac.New(sha256.New, okm.Sum(nil)[:16])
	mac.Write([]byte(poolName + username))
	mac.Write(block)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

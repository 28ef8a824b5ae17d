package siwe

import (
	"encoding/hex"
	"fmt"
	"strings"
)

const addressHexLen = 40

// ChecksumAddress returns addr ("0x" and 40 hex digits, any case) in its
// EIP-55 mixed-case form.
func ChecksumAddress(addr string) (string, error) {
	raw, err := parseAddress(addr)
	if err != nil {
		return "", err
	}
	return checksum(raw), nil
}

func parseAddress(addr string) ([20]byte, error) {
	var raw [20]byte
	digits, ok := strings.CutPrefix(addr, "0x")
	if !ok || len(digits) != addressHexLen {
		return raw, fmt.Errorf("siwe: address must be 0x and %d hex digits", addressHexLen)
	}
	if _, err := hex.Decode(raw[:], []byte(digits)); err != nil {
		return raw, fmt.Errorf("siwe: address must be 0x and %d hex digits", addressHexLen)
	}
	return raw, nil
}

// checksum writes raw as EIP-55: a hex letter is upper case when the
// matching nibble of keccak256(lower-case hex) is 8 or more.
func checksum(raw [20]byte) string {
	lower := hex.EncodeToString(raw[:])
	hash := keccak256([]byte(lower))
	out := []byte("0x" + lower)
	for i := range addressHexLen {
		nibble := hash[i/2] >> 4
		if i%2 == 1 {
			nibble = hash[i/2] & 0x0f
		}
		if c := out[2+i]; c >= 'a' && nibble >= 8 {
			out[2+i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

package roles

import (
	"crypto/rand"
	"fmt"
)

// DefaultAccount is the account ID in ARNs when none is configured: AWS's
// documentation placeholder, recognisably not a real account.
const DefaultAccount = "000000000000"

// roleIDAlphabet is what follows AWS's "AROA" prefix in a role ID.
const roleIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newRoleID is "AROA" and 17 random characters, the shape of AWS role IDs.
func newRoleID() string {
	var b [17]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = roleIDAlphabet[int(b[i])%len(roleIDAlphabet)] // 256 is a multiple of 32: no bias
	}
	return "AROA" + string(b[:])
}

// RoleARN is the ARN of the role with this path and name in account.
func RoleARN(account, path, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role%s%s", account, path, name)
}

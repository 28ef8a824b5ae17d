package console

import (
	"crypto/subtle"

	"github.com/moat-dev/moat/internal/admin"
)

// Role is what a console session may do.
type Role string

const (
	// FullAccess is the admin credentials': every page, every change.
	FullAccess Role = "full"
	// ReadOnly sees every page and changes nothing.
	ReadOnly Role = "read-only"
)

// Credential is one pair that signs in to the console, and its role.
type Credential struct {
	admin.Credentials
	Role Role
}

// match finds the credential the pair is, comparing in constant time so
// neither an access key ID nor a secret can be guessed piecewise by timing;
// every credential is compared, whichever matches.
func match(creds []Credential, accessKeyID, secret string) (Credential, bool) {
	var found Credential
	ok := 0
	for _, c := range creds {
		idOK := subtle.ConstantTimeCompare([]byte(accessKeyID), []byte(c.AccessKeyID))
		secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(c.SecretAccessKey))
		if idOK&secretOK == 1 {
			found, ok = c, 1
		}
	}
	return found, ok == 1
}

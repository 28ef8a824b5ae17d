package userpool

import (
	"crypto/rand"
	"math/big"

	"github.com/moat-dev/moat/internal/store"
)

// newPassword is a password that passed the pool's policy, with its argon2id
// hash. setOn stores it on a user together with the user's SRP verifier,
// which cannot be made earlier: it depends on the final username.
type newPassword struct {
	hash  string
	plain string
}

// setOn gives u this password: the hash for USER_PASSWORD_AUTH, and a fresh
// salt with v = g^x mod N for USER_SRP_AUTH, kept in the user's state.
func (np newPassword) setOn(p *pool, u *store.User, st *userState) {
	raw := make([]byte, 16)
	rand.Read(raw) // never fails: crypto/rand crashes the program instead
	salt := new(big.Int).SetBytes(raw)
	x := srpPrivateKey(srpPoolName(p.ID), u.Username, np.plain, salt)
	u.PasswordHash = np.hash
	// Salt is kept (and sent) as canonical hex, no leading zeros, which is
	// the only form every client library pads the same way.
	st.SRPSalt = salt.Text(16)
	st.SRPVerifier = new(big.Int).Exp(srpG, x, srpN).Text(16)
}

// setOnState is setOn for callers that have not decoded u's state.
func (np newPassword) setOnState(p *pool, u *store.User) error {
	st, err := decodeState(*u)
	if err != nil {
		return err
	}
	np.setOn(p, u, &st)
	u.State = encodeState(st)
	return nil
}

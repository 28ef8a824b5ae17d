package userpool

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
)

// A declared pool's id, and its clients', follow from what the file names:
// the same file gives the same ids on every start and every replica, with
// nothing to store and no race between replicas creating the same pool;
// and the file's references (${userPool:shop}) resolve as it is read,
// before moat opens its store. The ids have Cognito's shapes. They are not
// secrets (a pool id is in every token's issuer); a client's secret is
// random, made once when the client is created.

// DeclaredPoolID is the id of the pool userPools: names name, in region.
func DeclaredPoolID(region, name string) string {
	return region + "_" + derivedString("moat:userPool:"+region+":"+name, alnum, 9)
}

// DeclaredClientID is the id of the app client name of the declared pool poolID.
func DeclaredClientID(poolID, name string) string {
	return derivedString("moat:userPoolClient:"+poolID+"/"+name, lowerAlnum, 26)
}

// derivedString is n characters of alphabet drawn from SHA-256 of seed in
// counter mode, each byte past the alphabet's largest multiple drawn again
// so every character is equally likely.
func derivedString(seed, alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	var b strings.Builder
	for counter := uint32(0); b.Len() < n; counter++ {
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], counter)
		sum := sha256.Sum256(append([]byte(seed), c[:]...))
		for _, x := range sum {
			if int(x) < limit && b.Len() < n {
				b.WriteByte(alphabet[int(x)%len(alphabet)])
			}
		}
	}
	return b.String()
}

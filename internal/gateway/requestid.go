package gateway

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// newRequestID is a version 4 UUID, as API Gateway's request ids are, from
// the runtime's per-thread ChaCha8 generator (math/rand/v2), which the OS
// seeds: 122 random bits make ids as unique across replicas as crypto/rand's
// would, without a lock or a system call per request. Request ids are not
// secrets: nothing is decided by guessing one.
func newRequestID() string {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], rand.Uint64()&^0xf000|0x4000)         // version 4
	binary.BigEndian.PutUint64(u[8:], rand.Uint64()&^(0xc0<<56)|(0x80<<56)) // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

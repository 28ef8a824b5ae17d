package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// scratch is one verification's working memory: the canonical request and
// the string to sign are built in buf, the query's pairs and the path's
// segments are sorted and stacked in pairs and segs, and the SHA-256 state
// is reused, so a warm verification allocates none of them.
type scratch struct {
	buf   []byte
	pairs []queryPair
	segs  []string
	h     hash.Hash
	pad   [sha256.BlockSize]byte
	inner [sha256.Size]byte
	sum   [sha256.Size]byte
	hex   [2 * sha256.Size]byte
}

// maxPooledScratch keeps a request with a huge query from pinning its
// buffer in the pool.
const maxPooledScratch = 64 << 10

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), h: sha256.New()}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func (s *scratch) release() {
	if cap(s.buf) > maxPooledScratch || cap(s.pairs) > maxPooledScratch/32 || cap(s.segs) > maxPooledScratch/16 {
		return
	}
	clear(s.pairs[:cap(s.pairs)]) // drop references to the request's strings
	clear(s.segs[:cap(s.segs)])
	scratchPool.Put(s)
}

// appendStringToSign hashes the canonical request and appends
// "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex hash>".
func (s *scratch) appendStringToSign(b []byte, a *authParams, canonicalRequest []byte) []byte {
	s.h.Reset()
	s.h.Write(canonicalRequest)
	sum := s.h.Sum(s.sum[:0])
	b = append(b, algorithm+"\n"...)
	b = append(b, a.amzDate...)
	b = append(b, '\n')
	b = append(b, a.scope...)
	b = append(b, '\n')
	return hex.AppendEncode(b, sum)
}

// hexHMAC is the lower-case hex HMAC-SHA256 of msg under a 32-byte key
// (RFC 2104), in s.hex. crypto/hmac would allocate two hash states per call.
func (s *scratch) hexHMAC(key *[sha256.Size]byte, msg []byte) []byte {
	for i := range s.pad {
		s.pad[i] = 0x36
	}
	for i, k := range key {
		s.pad[i] ^= k
	}
	s.h.Reset()
	s.h.Write(s.pad[:])
	s.h.Write(msg)
	inner := s.h.Sum(s.inner[:0])
	for i := range s.pad {
		s.pad[i] ^= 0x36 ^ 0x5c
	}
	s.h.Reset()
	s.h.Write(s.pad[:])
	s.h.Write(inner)
	hex.Encode(s.hex[:], s.h.Sum(s.sum[:0]))
	return s.hex[:]
}

// equalConstantTime compares a computed or known value with the request's
// without leaking where they differ, and without copying either.
func equalConstantTime[B []byte | string](want B, got string) bool {
	if len(want) != len(got) {
		return false
	}
	var diff byte
	for i := 0; i < len(want); i++ {
		diff |= want[i] ^ got[i]
	}
	return diff == 0
}

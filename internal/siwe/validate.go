package siwe

// minNonceLen is EIP-4361's floor: nonce = 8*( ALPHA / DIGIT ).
const minNonceLen = 8

// Validate checks every field against EIP-4361's grammar, so that String
// yields a message ParseMessage accepts. ParseMessage calls it; call it
// yourself on a Message you build.
//
// Two choices go beyond the ABNF. Addresses must be exactly EIP-55, even
// all-lower-case ones, as the official vectors require. A chain ID must be
// a positive integer that fits 64 bits, written without leading zeros, since
// no EIP-155 chain is 0 and the text must round-trip through ChainID.
func (m *Message) Validate() error {
	if m.Scheme != "" && !isScheme(m.Scheme) {
		return invalidMessage("scheme is not an RFC 3986 scheme")
	}
	if host, ok := authorityHost(m.Domain); !ok || host == "" {
		return invalidMessage("domain is not an RFC 3986 authority")
	}
	if err := validateAddress(m.Address); err != nil {
		return err
	}
	if m.Statement != nil && !consistsOf(*m.Statement, statementMarks, false) {
		return invalidMessage("statement may hold only RFC 3986 reserved and unreserved characters and spaces")
	}
	if !isURI(m.URI) {
		return invalidMessage("URI is not an RFC 3986 URI")
	}
	if m.Version != "1" {
		return invalidMessage("version must be 1")
	}
	if m.ChainID == 0 {
		return invalidMessage("chain ID must be a positive integer")
	}
	if len(m.Nonce) < minNonceLen || !all(m.Nonce, isAlnum) {
		return invalidMessage("nonce must be at least %d letters or digits", minNonceLen)
	}
	if m.IssuedAt.IsZero() {
		return invalidMessage("issued-at time is missing")
	}
	for _, ts := range []*Timestamp{&m.IssuedAt, m.ExpirationTime, m.NotBefore} {
		if ts != nil && !ts.writable() {
			return invalidMessage("times must fall in the years 0000 to 9999")
		}
	}
	if m.RequestID != nil && !consistsOf(*m.RequestID, pcharMarks, true) {
		return invalidMessage("request ID may hold only RFC 3986 path characters")
	}
	for i, r := range m.Resources {
		if !isURI(r) {
			return invalidMessage("resource %d is not an RFC 3986 URI", i+1)
		}
	}
	return nil
}

func validateAddress(addr string) error {
	want, err := ChecksumAddress(addr)
	if err != nil {
		return invalidMessage("address must be 0x and %d hex digits", addressHexLen)
	}
	if addr != want {
		return invalidMessage("address is not in its EIP-55 checksum form %s", want)
	}
	return nil
}

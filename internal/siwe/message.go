// Package siwe implements Sign-In with Ethereum (EIP-4361): parsing and
// writing the message exactly per its ABNF, and verifying it — EIP-191
// signature recovery for ordinary accounts, ERC-1271 for contract wallets,
// and the relying party's checks of domain, nonce, chain and time.
package siwe

import (
	"strconv"
	"strings"
)

// Message is a parsed or to-be-signed EIP-4361 message. Optional parts are
// nil when absent, so that String writes back exactly what was parsed.
type Message struct {
	Scheme    string // optional; "" when the message names none (https is then implied)
	Domain    string // RFC 3986 authority
	Address   string // EIP-55, as written
	Statement *string
	URI       string
	Version   string // always "1"
	ChainID   uint64
	Nonce     string
	IssuedAt  Timestamp

	ExpirationTime *Timestamp
	NotBefore      *Timestamp
	RequestID      *string
	// Resources is nil when there is no "Resources:" line and empty (not
	// nil) for a bare "Resources:" with no entries.
	Resources []string
}

// The message's fixed text, shared by the parser and the writer.
const (
	headerSuffix      = " wants you to sign in with your Ethereum account:"
	tagURI            = "URI: "
	tagVersion        = "Version: "
	tagChainID        = "Chain ID: "
	tagNonce          = "Nonce: "
	tagIssuedAt       = "Issued At: "
	tagExpirationTime = "Expiration Time: "
	tagNotBefore      = "Not Before: "
	tagRequestID      = "Request ID: "
	lineResources     = "Resources:"
	resourcePrefix    = "- "
)

// String is the message text a wallet signs. For a parsed message it is the
// parsed text, byte for byte.
func (m *Message) String() string {
	var b strings.Builder
	if m.Scheme != "" {
		b.WriteString(m.Scheme + "://")
	}
	b.WriteString(m.Domain + headerSuffix + "\n")
	b.WriteString(m.Address + "\n\n")
	if m.Statement != nil {
		b.WriteString(*m.Statement + "\n")
	}
	b.WriteString("\n")
	b.WriteString(tagURI + m.URI + "\n")
	b.WriteString(tagVersion + m.Version + "\n")
	b.WriteString(tagChainID + strconv.FormatUint(m.ChainID, 10) + "\n")
	b.WriteString(tagNonce + m.Nonce + "\n")
	b.WriteString(tagIssuedAt + m.IssuedAt.String())
	if m.ExpirationTime != nil {
		b.WriteString("\n" + tagExpirationTime + m.ExpirationTime.String())
	}
	if m.NotBefore != nil {
		b.WriteString("\n" + tagNotBefore + m.NotBefore.String())
	}
	if m.RequestID != nil {
		b.WriteString("\n" + tagRequestID + *m.RequestID)
	}
	if m.Resources != nil {
		b.WriteString("\n" + lineResources)
		for _, r := range m.Resources {
			b.WriteString("\n" + resourcePrefix + r)
		}
	}
	return b.String()
}

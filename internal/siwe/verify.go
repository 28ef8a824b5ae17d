package siwe

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxSignatureBytes bounds a signature: contract wallets (multisigs) send
// more than 65 bytes, but nothing near this.
const maxSignatureBytes = 16 << 10

// VerifyOptions are what the relying party expects. A zero-valued option is
// not checked — except Now, which defaults to the current time so that an
// expired message is never accepted by omission. moat's callers should
// always set Domain and Nonce (EIP-4361 requires both checks).
type VerifyOptions struct {
	Scheme    string   // compared with the message's scheme, https when it names none
	Domain    string   // the message's domain must equal it exactly
	URI       string   // the message's URI must equal it exactly
	ChainIDs  []uint64 // the message's chain ID must be one of them
	Nonce     string   // compared in constant time
	RequestID string
	Now       time.Time
	// MaxSkew is how far in the future issued-at may be (the signer's clock
	// running ahead): a message issued later than that was not made for
	// this sign-in. Zero is not checked, as in the reference vectors
	// (one verifies before its issued-at); moat's callers set it.
	MaxSkew time.Duration

	// Contracts are the chain nodes for ERC-1271 contract wallets, by chain
	// ID; the message's own chain is the only one asked, so a signature made
	// on one chain is not replayed on another.
	Contracts map[uint64]*ContractVerifier
}

// Verify checks m against opts, then checks signature (hex, 0x optional)
// over m.String(): first by recovering an EIP-191 signer, which must be
// m.Address; failing that, with ERC-1271 on the node for m.ChainID, if
// opts has one. Errors wrap the package's sentinels. Cheap checks run
// first, so a stale or misdirected message never reaches a chain node.
func (m *Message) Verify(ctx context.Context, signature string, opts VerifyOptions) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := m.checkExpectations(opts); err != nil {
		return err
	}
	if err := m.checkTime(opts.Now, opts.MaxSkew); err != nil {
		return err
	}
	sig, err := decodeSignature(signature)
	if err != nil {
		return err
	}
	hash := HashMessage([]byte(m.String()))
	signer, recoverErr := recoverSigner(hash, sig)
	if recoverErr == nil && strings.EqualFold(signer, m.Address) {
		return nil
	}
	contract := opts.Contracts[m.ChainID]
	if contract == nil {
		if recoverErr != nil {
			return recoverErr
		}
		return ErrInvalidSignature
	}
	valid, err := contract.IsValidSignature(ctx, m.Address, hash, sig)
	if err != nil {
		return err
	}
	if !valid {
		return ErrInvalidSignature
	}
	return nil
}

func (m *Message) checkExpectations(opts VerifyOptions) error {
	scheme := m.Scheme
	if scheme == "" {
		scheme = "https"
	}
	switch {
	case opts.Scheme != "" && scheme != opts.Scheme:
		return ErrSchemeMismatch
	case opts.Domain != "" && m.Domain != opts.Domain:
		return ErrDomainMismatch
	case opts.URI != "" && m.URI != opts.URI:
		return ErrURIMismatch
	case len(opts.ChainIDs) > 0 && !slices.Contains(opts.ChainIDs, m.ChainID):
		return ErrChainMismatch
	case opts.Nonce != "" && subtle.ConstantTimeCompare([]byte(m.Nonce), []byte(opts.Nonce)) != 1:
		return ErrNonceMismatch
	case opts.RequestID != "" && (m.RequestID == nil || *m.RequestID != opts.RequestID):
		return ErrRequestIDMismatch
	}
	return nil
}

// checkTime applies EIP-4361's window: now < expiration-time and
// now >= not-before; and issued-at no further ahead than the skew.
func (m *Message) checkTime(now time.Time, skew time.Duration) error {
	if now.IsZero() {
		now = time.Now()
	}
	if m.ExpirationTime != nil && !now.Before(m.ExpirationTime.Time()) {
		return fmt.Errorf("%w at %s", ErrExpired, m.ExpirationTime)
	}
	if m.NotBefore != nil && now.Before(m.NotBefore.Time()) {
		return fmt.Errorf("%w before %s", ErrNotYetValid, m.NotBefore)
	}
	if skew > 0 && m.IssuedAt.Time().After(now.Add(skew)) {
		return fmt.Errorf("%w: %s", ErrIssuedInFuture, m.IssuedAt)
	}
	return nil
}

func decodeSignature(s string) ([]byte, error) {
	digits := strings.TrimPrefix(s, "0x")
	if digits == "" || len(digits) > 2*maxSignatureBytes {
		return nil, fmt.Errorf("%w: must be 1 to %d bytes of hex", ErrMalformedSignature, maxSignatureBytes)
	}
	sig, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fmt.Errorf("%w: not hex", ErrMalformedSignature)
	}
	return sig, nil
}

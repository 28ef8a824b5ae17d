package siwe

import (
	"errors"
	"fmt"
)

// Each failure has its own sentinel so the wire layer can choose its message
// with errors.Is; the wrapped text adds the detail (which line, which field).
var (
	ErrInvalidMessage     = errors.New("siwe: invalid message")
	ErrMalformedSignature = errors.New("siwe: malformed signature")
	ErrInvalidSignature   = errors.New("siwe: signature is not from the message's address")
	ErrExpired            = errors.New("siwe: message has expired")
	ErrNotYetValid        = errors.New("siwe: message is not yet valid")
	ErrIssuedInFuture     = errors.New("siwe: issued-at is in the future")
	ErrSchemeMismatch     = errors.New("siwe: scheme does not match")
	ErrDomainMismatch     = errors.New("siwe: domain does not match")
	ErrURIMismatch        = errors.New("siwe: URI does not match")
	ErrChainMismatch      = errors.New("siwe: chain ID is not accepted")
	ErrNonceMismatch      = errors.New("siwe: nonce does not match")
	ErrRequestIDMismatch  = errors.New("siwe: request ID does not match")
	// ErrContractCall means the chain node could not answer an ERC-1271
	// check: a server-side failure, not proof that the signature is bad.
	ErrContractCall = errors.New("siwe: contract wallet check failed")
)

func invalidMessage(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

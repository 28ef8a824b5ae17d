package siwe

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// erc1271MagicValue is both isValidSignature's selector and the value a
// contract returns to accept: bytes4(keccak256("isValidSignature(bytes32,bytes)")).
var erc1271MagicValue = [4]byte{0x16, 0x26, 0xba, 0x7e}

// maxRPCResponseBytes bounds what is read from a node; the answer is one
// ABI word.
const maxRPCResponseBytes = 1 << 20

var defaultRPCClient = &http.Client{Timeout: 10 * time.Second}

// ContractVerifier asks a chain's JSON-RPC node whether a contract wallet
// accepts a signature (ERC-1271). One verifier serves one chain.
type ContractVerifier struct {
	RPCURL     string
	HTTPClient *http.Client // nil: a client with a 10-second timeout
}

// IsValidSignature performs eth_call isValidSignature(hash, signature) on
// the contract at address, at the latest block. It is false, with no error,
// when the contract answers anything but the magic value or reverts (an
// account without code answers "0x"); an error wrapping ErrContractCall
// means the node could not be asked.
func (c *ContractVerifier) IsValidSignature(ctx context.Context, address string, hash [32]byte, signature []byte) (bool, error) {
	raw, err := parseAddress(strings.ToLower(address))
	if err != nil {
		return false, err
	}
	request, err := json.Marshal(rpcRequest{
		JSONRPC: "2.0",
		ID:      1,
		Method:  "eth_call",
		Params: []any{
			ethCall{To: "0x" + hex.EncodeToString(raw[:]), Data: "0x" + hex.EncodeToString(isValidSignatureCall(hash, signature))},
			"latest",
		},
	})
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrContractCall, err)
	}
	result, err := c.call(ctx, request)
	if err != nil {
		return false, err
	}
	// The answer is bytes4 ABI-encoded: one 32-byte word, left-aligned.
	return len(result) >= 32 && bytes.Equal(result[:4], erc1271MagicValue[:]), nil
}

// isValidSignatureCall ABI-encodes isValidSignature(bytes32, bytes): the
// selector, the hash, the offset of the dynamic argument (two words in),
// its length, and its bytes padded to whole words.
func isValidSignatureCall(hash [32]byte, signature []byte) []byte {
	const word = 32
	padded := (len(signature) + word - 1) / word * word
	call := make([]byte, 4+3*word+padded)
	copy(call, erc1271MagicValue[:])
	copy(call[4:], hash[:])
	binary.BigEndian.PutUint64(call[4+2*word-8:], 2*word)
	binary.BigEndian.PutUint64(call[4+3*word-8:], uint64(len(signature)))
	copy(call[4+3*word:], signature)
	return call
}

type rpcRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int    `json:"id"`
	Method  string `json:"method"`
	Params  []any  `json:"params"`
}

type ethCall struct {
	To   string `json:"to"`
	Data string `json:"data"`
}

type rpcResponse struct {
	Result *string   `json:"result"`
	Error  *rpcError `json:"error"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// call posts one JSON-RPC request and returns the decoded hex result; a
// revert comes back as an empty result.
func (c *ContractVerifier) call(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.RPCURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrContractCall, err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := c.HTTPClient
	if client == nil {
		client = defaultRPCClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrContractCall, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: node answered HTTP %d", ErrContractCall, resp.StatusCode)
	}
	var answer rpcResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxRPCResponseBytes)).Decode(&answer); err != nil {
		return nil, fmt.Errorf("%w: unreadable answer: %v", ErrContractCall, err)
	}
	if answer.Error != nil {
		// A contract that rejects a signature by reverting is a "no", not a
		// node failure. Nodes say so with code 3 (EIP-1474 "execution
		// reverted" with data) or, without revert data, only in the text.
		if answer.Error.Code == 3 || strings.Contains(strings.ToLower(answer.Error.Message), "revert") {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: node error %d", ErrContractCall, answer.Error.Code)
	}
	if answer.Result == nil {
		return nil, fmt.Errorf("%w: answer has no result", ErrContractCall)
	}
	result, err := hex.DecodeString(strings.TrimPrefix(*answer.Result, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: result is not hex", ErrContractCall)
	}
	return result, nil
}

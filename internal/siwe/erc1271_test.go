package siwe

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// stubNode stands in for an Ethereum JSON-RPC node, which CI does not have:
// it knows one contract wallet that accepts exactly one (hash, signature)
// pair. It compares the whole calldata we send with calldata the test
// builds on its own, so a wrong selector, offset, length or padding fails.
type stubNode struct {
	contract string // lower-case 0x address
	calldata string // the accepted eth_call data, lower-case hex
	calls    atomic.Int32
}

func (n *stubNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.calls.Add(1)
	var req struct {
		JSONRPC string            `json:"jsonrpc"`
		ID      json.RawMessage   `json:"id"`
		Method  string            `json:"method"`
		Params  []json.RawMessage `json:"params"`
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
		json.NewDecoder(r.Body).Decode(&req) != nil || req.JSONRPC != "2.0" || req.Method != "eth_call" || len(req.Params) != 2 {
		http.Error(w, "bad JSON-RPC request", http.StatusBadRequest)
		return
	}
	var call struct{ To, Data string }
	var block string
	if json.Unmarshal(req.Params[0], &call) != nil || json.Unmarshal(req.Params[1], &block) != nil || block != "latest" {
		http.Error(w, "bad eth_call params", http.StatusBadRequest)
		return
	}
	result := "0x" + strings.Repeat("0", 64)
	if call.To == n.contract && call.Data == n.calldata {
		result = "0x1626ba7e" + strings.Repeat("0", 56)
	}
	fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":%q}`, req.ID, result)
}

// expectedCalldata writes isValidSignature(bytes32,bytes) out by hand:
// selector, hash, offset 0x40, length, signature right-padded with zeros.
func expectedCalldata(hash [32]byte, sig []byte) string {
	sigHex := hex.EncodeToString(sig)
	if rem := len(sigHex) % 64; rem != 0 {
		sigHex += strings.Repeat("0", 64-rem)
	}
	return fmt.Sprintf("0x1626ba7e%x%064x%064x%s", hash, 0x40, len(sig), sigHex)
}

func TestEIP1271Vectors(t *testing.T) {
	type vector struct{ Message, Signature string }
	names, cases := loadVectors[vector](t, "eip1271.json", 2)
	for _, name := range names {
		v := cases[name]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			m, err := ParseMessage(v.Message)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := hex.DecodeString(strings.TrimPrefix(v.Signature, "0x"))
			if err != nil {
				t.Fatal(err)
			}
			node := &stubNode{
				contract: strings.ToLower(m.Address),
				calldata: expectedCalldata(HashMessage([]byte(v.Message)), sig),
			}
			srv := httptest.NewServer(node)
			defer srv.Close()
			contracts := map[uint64]*ContractVerifier{1: {RPCURL: srv.URL, HTTPClient: srv.Client()}}

			// Without a node, a contract wallet's signature is not the address's.
			if err := m.Verify(ctx, v.Signature, VerifyOptions{}); !errors.Is(err, ErrInvalidSignature) && !errors.Is(err, ErrMalformedSignature) {
				t.Fatalf("without a node: got %v", err)
			}
			if err := m.Verify(ctx, v.Signature, VerifyOptions{Contracts: contracts}); err != nil {
				t.Fatalf("Verify with the node: %v", err)
			}
			if node.calls.Load() != 1 {
				t.Fatalf("node asked %d times, want 1", node.calls.Load())
			}
			// A node for another chain is never asked: no cross-chain replay.
			other := map[uint64]*ContractVerifier{5: contracts[1]}
			if err := m.Verify(ctx, v.Signature, VerifyOptions{Contracts: other}); err == nil {
				t.Fatal("accepted with only another chain's node")
			}
			if node.calls.Load() != 1 {
				t.Fatal("another chain's node was asked")
			}
			// A different signature is different calldata, which the wallet refuses.
			tampered := "0x" + hex.EncodeToString(append(sig, 0))
			if err := m.Verify(ctx, tampered, VerifyOptions{Contracts: contracts}); !errors.Is(err, ErrInvalidSignature) {
				t.Fatalf("tampered signature: got %v, want ErrInvalidSignature", err)
			}
		})
	}
}

func TestContractVerifierNodeAnswers(t *testing.T) {
	const address = "0xa5b3A53800cD49669F34DE80f2C569c6D4Ca3009"
	for name, c := range map[string]struct {
		status  int
		body    string
		valid   bool
		wantErr error
	}{
		"magic value":         {200, `"result":"0x1626ba7e00000000000000000000000000000000000000000000000000000000"`, true, nil},
		"other value":         {200, `"result":"0xffffffff00000000000000000000000000000000000000000000000000000000"`, false, nil},
		"no code at address":  {200, `"result":"0x"`, false, nil},
		"magic but short":     {200, `"result":"0x1626ba7e"`, false, nil},
		"revert with data":    {200, `"error":{"code":3,"message":"execution reverted: bad sig","data":"0x"}`, false, nil},
		"revert without data": {200, `"error":{"code":-32000,"message":"execution reverted"}`, false, nil},
		"node error":          {200, `"error":{"code":-32603,"message":"internal error"}`, false, ErrContractCall},
		"no result":           {200, `"id":2`, false, ErrContractCall},
		"result not hex":      {200, `"result":"0xzz"`, false, ErrContractCall},
		"HTTP 503":            {503, `"result":"0x"`, false, ErrContractCall},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,%s}`, c.body)
			}))
			defer srv.Close()
			v := &ContractVerifier{RPCURL: srv.URL}
			valid, err := v.IsValidSignature(context.Background(), address, [32]byte{1}, []byte{2})
			if valid != c.valid || !errors.Is(err, c.wantErr) {
				t.Fatalf("got %v, %v; want %v, %v", valid, err, c.valid, c.wantErr)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		v := &ContractVerifier{RPCURL: srv.URL}
		if _, err := v.IsValidSignature(context.Background(), address, [32]byte{}, nil); !errors.Is(err, ErrContractCall) {
			t.Fatalf("got %v, want ErrContractCall", err)
		}
	})
	t.Run("bad address", func(t *testing.T) {
		v := &ContractVerifier{RPCURL: "http://127.0.0.1:1"}
		if _, err := v.IsValidSignature(context.Background(), "0x1234", [32]byte{}, nil); err == nil {
			t.Fatal("accepted a short address")
		}
	})
}

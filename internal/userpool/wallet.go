package userpool

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/siwe"
)

// WalletSignIn turns on Sign-In with Ethereum (EIP-4361) for an app client:
// a built-in CUSTOM_AUTH flow in which the user proves control of a wallet by
// signing a message that binds this domain, URI, chain and a single-use
// nonce. It is a moat extension to the client, sent as MoatWalletSignIn in
// CreateUserPoolClient/UpdateUserPoolClient (AWS SDKs ignore it when reading).
type WalletSignIn struct {
	Enabled bool `json:"Enabled"`
	// Domain is the authority the dApp is served from (e.g. app.example.com,
	// localhost:8080); wallets show it and messages must name it.
	Domain string `json:"Domain"`
	// URI is what the sign-in is for; messages must name it exactly.
	URI string `json:"Uri"`
	// ChainIds are the chains accepted; the first is put in issued messages.
	ChainIds  []uint64 `json:"ChainIds,omitempty"`
	Statement string   `json:"Statement,omitempty"`
	// MessageValiditySeconds bounds a message's life: 30..900, default 300.
	MessageValiditySeconds int `json:"MessageValiditySeconds,omitempty"`
	// AutoCreateUsers creates a confirmed, passwordless user on a wallet's
	// first sign-in (username = lower-case address). Default true.
	AutoCreateUsers *bool `json:"AutoCreateUsers,omitempty"`
	// LegacyMessages issues and accepts the AWS sample's plain
	// "Welcome message, nonce: N" for teams migrating from it. It binds no
	// domain or chain, so a phishing site can replay it: leave it off.
	LegacyMessages bool `json:"LegacyMessages,omitempty"`
	// ContractWalletRpc maps a chain id to a JSON-RPC endpoint used to check
	// ERC-1271 contract-wallet signatures (eth_call isValidSignature).
	ContractWalletRpc map[string]string `json:"ContractWalletRpc,omitempty"`
}

var walletAddressPattern = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)

func (w *WalletSignIn) validate() error {
	if !w.Enabled {
		return nil
	}
	if w.Domain == "" || w.URI == "" {
		return invalidParameter("MoatWalletSignIn needs Domain and Uri: the dApp's host and the URI its messages name")
	}
	if len(w.ChainIds) == 0 {
		w.ChainIds = []uint64{1}
	}
	if w.MessageValiditySeconds == 0 {
		w.MessageValiditySeconds = 300
	}
	if w.MessageValiditySeconds < 30 || w.MessageValiditySeconds > 900 {
		return invalidParameter("MoatWalletSignIn.MessageValiditySeconds must be between 30 and 900")
	}
	for chain := range w.ContractWalletRpc {
		if _, err := strconv.ParseUint(chain, 10, 64); err != nil {
			return invalidParameter("MoatWalletSignIn.ContractWalletRpc keys are chain ids; %q is not", chain)
		}
	}
	// A bad statement would make every issued message unparseable.
	probe := siwe.Message{Domain: w.Domain, Address: "0x0000000000000000000000000000000000000000", URI: w.URI,
		Version: "1", ChainID: w.ChainIds[0], Nonce: "abcdefgh12345678", IssuedAt: siwe.NewTimestamp(time.Unix(0, 0))}
	if w.Statement != "" {
		probe.Statement = &w.Statement
	}
	if _, err := siwe.ParseMessage(probe.String()); err != nil {
		return invalidParameter("MoatWalletSignIn cannot form a valid sign-in message: %v", err)
	}
	return nil
}

// walletClockSkew is how far ahead of moat's clock a wallet's issued-at may be.
const walletClockSkew = time.Minute

// scheme is the scheme sign-in messages must name: the URI's (the dApp's
// origin), https unless the URI says http.
func (w *WalletSignIn) scheme() string {
	if strings.HasPrefix(w.URI, "http://") {
		return "http"
	}
	return "https"
}

// messageScheme is what issued messages write: nothing for https, which a
// message without a scheme means.
func (w *WalletSignIn) messageScheme() string {
	if s := w.scheme(); s != "https" {
		return s
	}
	return ""
}

func (w *WalletSignIn) autoCreate() bool { return w.AutoCreateUsers == nil || *w.AutoCreateUsers }

// contracts returns the ERC-1271 verifiers by chain.
func (w *WalletSignIn) contracts() map[uint64]*siwe.ContractVerifier {
	if len(w.ContractWalletRpc) == 0 {
		return nil
	}
	out := make(map[uint64]*siwe.ContractVerifier, len(w.ContractWalletRpc))
	for chain, url := range w.ContractWalletRpc {
		id, _ := strconv.ParseUint(chain, 10, 64) // validated at configuration
		out[id] = &siwe.ContractVerifier{RPCURL: url}
	}
	return out
}

package userpool

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/siwe"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

const walletAttribute = "custom:wallet"

// walletChallengeState is the CUSTOM_CHALLENGE session's payload: the
// single-use nonce and the exact message issued.
type walletChallengeState struct {
	Nonce   string `json:"n"`
	Message string `json:"m"`
}

// walletChallenge starts a wallet sign-in: it issues a single-use nonce and
// the message to sign, both sealed into the challenge session.
func (s *Service) walletChallenge(ctx context.Context, a *attempt) (*AuthOutput, error) {
	p, c, params := a.pool, a.client, a.params
	w := c.Config.MoatWalletSignIn
	if w == nil || !w.Enabled {
		return nil, invalidParameter("Custom auth lambda trigger is not configured for the user pool.")
	}
	address := params["USERNAME"]
	if !walletAddressPattern.MatchString(address) {
		return nil, invalidParameter("USERNAME must be a wallet address: 0x followed by 40 hex digits")
	}
	checksummed, err := siwe.ChecksumAddress(address)
	if err != nil {
		return nil, invalidParameter("USERNAME is not a wallet address: %v", err)
	}
	// Mixed case claims an EIP-55 checksum, which must then be right.
	if digits := address[2:]; digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && address != checksummed {
		return nil, awserr.New(awserr.NotAuthorized, "The address's letter case does not match its EIP-55 checksum.")
	}
	key := strings.ToLower(address)
	if err := c.checkSecretHash(params["SECRET_HASH"], address, key); err != nil {
		return nil, err
	}
	if err := s.limiter.SignIn(ctx, a.call.Caller, p.ID, key); err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, p.ID, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Unknown wallets get a challenge too when they will be created on
		// success, or when the client hides which users exist.
		if !w.autoCreate() && !c.preventsUserExistenceErrors() {
			return nil, errUserNotFound
		}
	case err != nil:
		return nil, awserr.Internal(err)
	case !u.Enabled:
		return nil, errUserDisabled
	}

	now := s.now().UTC()
	life := min(time.Duration(w.MessageValiditySeconds)*time.Second, time.Duration(c.Config.AuthSessionValidity)*time.Minute)
	nonce := randomString(alnum, 22) // ~131 bits
	message, fields := walletMessage(w, checksummed, nonce, now, now.Add(life))
	fields["USERNAME"] = key
	fields["message"] = message
	cs := s.openChallenge(a, key, signin.CustomChallenge, walletChallengeState{Nonce: nonce, Message: message})
	cs.ExpiresAt = now.Add(life).Unix()
	return &AuthOutput{ChallengeName: string(signin.CustomChallenge), Session: s.session.seal(cs), ChallengeParameters: fields}, nil
}

// walletMessage is the text a wallet signs, and its fields for clients that
// build the message themselves.
func walletMessage(w *WalletSignIn, address, nonce string, issued, expires time.Time) (string, map[string]string) {
	if w.LegacyMessages {
		return "Welcome message, nonce: " + nonce, map[string]string{"nonce": nonce}
	}
	exp := siwe.NewTimestamp(expires)
	m := siwe.Message{Scheme: w.messageScheme(), Domain: w.Domain, Address: address, URI: w.URI, Version: "1", ChainID: w.ChainIds[0],
		Nonce: nonce, IssuedAt: siwe.NewTimestamp(issued), ExpirationTime: &exp}
	if w.Statement != "" {
		m.Statement = &w.Statement
	}
	return m.String(), map[string]string{
		"nonce": nonce, "domain": w.Domain, "uri": w.URI, "version": "1",
		"chainId": strconv.FormatUint(w.ChainIds[0], 10), "statement": w.Statement,
		"issuedAt": m.IssuedAt.String(), "expirationTime": exp.String(),
	}
}

// walletAnswer is what a client sends back: the signature of the message it
// was given, or a message of its own (same nonce) with its signature.
type walletAnswer struct {
	Message   string `json:"message"`
	Signature string `json:"signature"`
}

func parseWalletAnswer(answer string) walletAnswer {
	var a walletAnswer
	if strings.HasPrefix(strings.TrimSpace(answer), "{") && json.Unmarshal([]byte(answer), &a) == nil {
		return a
	}
	return walletAnswer{Signature: strings.TrimSpace(answer)}
}

// completeWalletSignIn checks the signed message and signs the wallet in,
// creating its user on first sign-in when the client allows it.
// The wallet's user may not exist yet.
func (s *Service) completeWalletSignIn(ctx context.Context, a *attempt, cs challengeSession, _ []byte) (*AuthOutput, error) {
	p, c, responses := a.pool, a.client, a.params
	if err := c.checkSecretHash(responses["SECRET_HASH"], responses["USERNAME"], cs.UserKey); err != nil {
		return nil, err
	}
	w := c.Config.MoatWalletSignIn
	var state walletChallengeState
	if w == nil || !w.Enabled || !cs.payload(&state) || state.Nonce == "" {
		return nil, errInvalidSession
	}
	answer := parseWalletAnswer(responses["ANSWER"])
	if answer.Signature == "" {
		return nil, invalidParameter("ChallengeResponses.ANSWER must carry the wallet's signature")
	}
	message := state.Message
	if answer.Message != "" {
		message = answer.Message
	}
	if err := verifyWalletSignature(ctx, w, cs.UserKey, state, message, answer.Signature, s.now()); err != nil {
		return nil, err
	}
	fresh, err := s.store.ConsumeNonce(ctx, "wallet:"+p.ID, state.Nonce, cs.ExpiresAt+60)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if !fresh {
		return nil, awserr.New(awserr.NotAuthorized, "This sign-in message has already been used; start a new sign-in.")
	}
	u, err := s.walletUser(ctx, p, w, cs.UserKey)
	if err != nil {
		return nil, err
	}
	return s.authenticated(ctx, a, u, nextStep{Source: signin.TokensForAuthentication})
}

// verifyWalletSignature checks that the wallet signed a message bound to this
// session's nonce, this client's domain, URI and chains, and the time.
func verifyWalletSignature(ctx context.Context, w *WalletSignIn, userKey string, state walletChallengeState, message, signature string, now time.Time) error {
	refuse := func(why string) error { return awserr.New(awserr.NotAuthorized, why) }
	if w.LegacyMessages && message == state.Message && strings.HasPrefix(message, "Welcome message, nonce: ") {
		sig, err := decodeHexSignature(signature)
		if err != nil {
			return refuse("The signature is malformed: " + err.Error())
		}
		signer, err := siwe.RecoverAddress([]byte(message), sig)
		if err != nil || strings.ToLower(signer) != userKey {
			return refuse("The message was not signed by " + userKey + ".")
		}
		return nil
	}
	m, err := siwe.ParseMessage(message)
	if err != nil {
		return refuse("The sign-in message is not a valid EIP-4361 message: " + err.Error())
	}
	if strings.ToLower(m.Address) != userKey {
		return refuse("The sign-in message names another address than the one signing in.")
	}
	err = m.Verify(ctx, signature, siwe.VerifyOptions{
		Scheme: w.scheme(), Domain: w.Domain, URI: w.URI, ChainIDs: w.ChainIds, Nonce: state.Nonce, Now: now,
		MaxSkew: walletClockSkew, Contracts: w.contracts(),
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, siwe.ErrExpired):
		return refuse("The sign-in message has expired.")
	case errors.Is(err, siwe.ErrNotYetValid), errors.Is(err, siwe.ErrIssuedInFuture):
		return refuse("The sign-in message is not valid yet.")
	case errors.Is(err, siwe.ErrSchemeMismatch):
		return refuse("The sign-in message is for another scheme than " + w.scheme() + ".")
	case errors.Is(err, siwe.ErrDomainMismatch):
		return refuse("The sign-in message is for another domain than " + w.Domain + ".")
	case errors.Is(err, siwe.ErrURIMismatch):
		return refuse("The sign-in message is for another URI than " + w.URI + ".")
	case errors.Is(err, siwe.ErrChainMismatch):
		return refuse("The sign-in message names a chain this client does not accept.")
	case errors.Is(err, siwe.ErrNonceMismatch):
		return refuse("The sign-in message does not carry this sign-in's nonce.")
	case errors.Is(err, siwe.ErrContractCall):
		return awserr.Internal(err)
	case errors.Is(err, siwe.ErrMalformedSignature):
		return refuse("The signature is malformed.")
	default:
		return refuse("The message was not signed by " + userKey + ".")
	}
}

func decodeHexSignature(sig string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(sig, "0x"), "0X"))
	if err != nil || len(b) != 65 {
		return nil, errors.New("want 65 bytes in hex")
	}
	return b, nil
}

// walletUser returns the wallet's user, creating it confirmed and without a
// password on first sign-in when the client allows.
func (s *Service) walletUser(ctx context.Context, p *pool, w *WalletSignIn, key string) (store.User, error) {
	u, err := s.store.GetUser(ctx, p.ID, key)
	if err == nil {
		if !u.Enabled {
			return u, errUserDisabled
		}
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return u, awserr.Internal(err)
	}
	if !w.autoCreate() {
		return u, errIncorrectCredentials
	}
	checksummed, _ := siwe.ChecksumAddress(key)
	now := s.clock()
	sub := newSub()
	u = store.User{PoolID: p.ID, Key: key, Username: key, Sub: sub, Status: string(signin.Confirmed), Enabled: true,
		Attributes: map[string]string{"sub": sub, walletAttribute: checksummed}, State: encodeState(userState{}),
		CreatedAt: now, UpdatedAt: now}
	if err := s.users.create(ctx, u, change{kind: userCreated, operation: "WalletSignIn"}); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) { // a concurrent first sign-in won
			return s.store.GetUser(ctx, p.ID, key)
		}
		return u, awserr.Internal(err)
	}
	return u, nil
}

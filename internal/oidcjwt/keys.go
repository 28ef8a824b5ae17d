package oidcjwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	// TTL is how long an issuer's key set is used before it is fetched
	// again (AWS keeps keys two hours). New keys are picked up sooner, by the
	// refetch an unknown kid causes; removed keys within this time.
	TTL = time.Hour
	// RefetchInterval is the least time between two fetches of one issuer's
	// keys: whoever sends a token chooses its kid, and must not be able to
	// make moat hammer the issuer.
	RefetchInterval = 10 * time.Second
	// FetchTimeout bounds one fetch of an issuer's keys, discovery included.
	FetchTimeout = 5 * time.Second
	// maxDocumentBytes bounds a discovery document or key set.
	maxDocumentBytes = 1 << 20
)

// Verify's errors, matched with errors.Is.
var (
	// ErrNoKeys: the issuer's keys could never be fetched — the issuer's
	// fault or the network's, not the token's.
	ErrNoKeys = errors.New("oidcjwt: no verification keys could be fetched")
	// ErrBadSignature: no kid, no key with the kid, an alg that does not fit
	// the key, or a signature that does not verify.
	ErrBadSignature = errors.New("oidcjwt: signature not verified")
)

// keySnapshot is an issuer's key set as fetched at one moment; never modified.
type keySnapshot struct {
	byKID     map[string]Key
	fetchedAt time.Time
}

func (s *keySnapshot) lookup(kid string) (Key, bool) {
	if s == nil {
		return Key{}, false
	}
	k, ok := s.byKID[kid]
	return k, ok
}

// Keys keeps one issuer's verification keys: fetched on first use, again
// after TTL, and again when a token names a kid not in the set — so an
// issuer's key rotation is picked up without a restart. Fetches are one at
// a time and at most one per RefetchInterval; a failed fetch keeps the last
// good keys. Safe for concurrent use.
type Keys struct {
	issuer  string
	jwksURI string // "": read from the issuer's discovery document
	client  *http.Client
	logger  *slog.Logger
	now     func() time.Time

	fetching    chan struct{} // holds a token while a fetch runs
	lastAttempt time.Time     // guarded by fetching
	keys        atomic.Pointer[keySnapshot]
}

// NewKeys returns the keys of issuer, fetched from jwksURI or, when it is
// empty, from the jwks_uri of the issuer's discovery document. now nil
// means time.Now.
func NewKeys(issuer, jwksURI string, client *http.Client, logger *slog.Logger, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{
		issuer: issuer, jwksURI: jwksURI, client: client, logger: logger, now: now,
		fetching: make(chan struct{}, 1),
	}
}

// Verify checks a parsed token's one signature with the issuer's key its
// kid names, and returns the payload it signs: ErrBadSignature when it does
// not verify, ErrNoKeys when the issuer's keys could never be fetched.
func (ik *Keys) Verify(ctx context.Context, jws *jose.JSONWebSignature) ([]byte, error) {
	if len(jws.Signatures) != 1 {
		return nil, ErrBadSignature
	}
	header := jws.Signatures[0].Header
	if header.KeyID == "" { // checked first: an empty kid must not cause a refetch
		return nil, ErrBadSignature
	}
	key, err := ik.key(ctx, header.KeyID)
	if err != nil {
		return nil, err
	}
	if !key.fits(header.Algorithm) {
		return nil, ErrBadSignature
	}
	payload, err := jws.Verify(key.Public)
	if err != nil {
		return nil, ErrBadSignature
	}
	return payload, nil
}

// key returns the issuer's key with the kid: ErrBadSignature when the
// issuer has none, ErrNoKeys when its keys could never be fetched.
func (ik *Keys) key(ctx context.Context, kid string) (Key, error) {
	snap := ik.keys.Load()
	if snap == nil || ik.now().Sub(snap.fetchedAt) >= TTL {
		// Only a caller with no keys at all waits for the fetch; with stale
		// keys in hand, the request goes on while one caller refreshes.
		snap = ik.refresh(ctx, snap == nil)
	}
	k, ok := snap.lookup(kid)
	if !ok && snap != nil {
		// The issuer may have rotated its keys since we fetched them.
		snap = ik.refresh(ctx, true)
		k, ok = snap.lookup(kid)
	}
	switch {
	case ok:
		return k, nil
	case snap == nil:
		return Key{}, ErrNoKeys
	default:
		return Key{}, ErrBadSignature
	}
}

// refresh fetches the key set unless a fetch ran within RefetchInterval, and
// returns the keys held afterwards. When wait is false and a fetch is
// already running, it returns the keys held now instead of waiting.
func (ik *Keys) refresh(ctx context.Context, wait bool) *keySnapshot {
	if wait {
		select {
		case ik.fetching <- struct{}{}:
		case <-ctx.Done():
			return ik.keys.Load()
		}
	} else {
		select {
		case ik.fetching <- struct{}{}:
		default:
			return ik.keys.Load()
		}
	}
	defer func() { <-ik.fetching }()

	now := ik.now()
	if !ik.lastAttempt.IsZero() && now.Sub(ik.lastAttempt) < RefetchInterval {
		return ik.keys.Load() // whoever we waited for has just fetched
	}
	ik.lastAttempt = now
	// The fetch serves every waiting request, so the first one going away
	// must not cancel it; FetchTimeout bounds it instead.
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FetchTimeout)
	defer cancel()
	byKID, err := ik.fetch(fetchCtx)
	if err != nil {
		ik.logger.WarnContext(ctx, "oidcjwt: fetching issuer keys failed; keeping the keys held", "issuer", ik.issuer, "err", err)
		return ik.keys.Load()
	}
	snap := &keySnapshot{byKID: byKID, fetchedAt: now}
	ik.keys.Store(snap)
	return snap
}

func (ik *Keys) fetch(ctx context.Context) (map[string]Key, error) {
	uri := ik.jwksURI
	if uri == "" {
		var err error
		if uri, err = ik.discoverJWKSURI(ctx); err != nil {
			return nil, err
		}
	}
	body, err := ik.get(ctx, uri)
	if err != nil {
		return nil, err
	}
	return ParseJWKS(body)
}

// discoverJWKSURI reads jwks_uri from the issuer's OpenID Provider metadata,
// which must name the issuer itself (OpenID Connect Discovery §4.3).
func (ik *Keys) discoverJWKSURI(ctx context.Context) (string, error) {
	body, err := ik.get(ctx, strings.TrimSuffix(ik.issuer, "/")+"/.well-known/openid-configuration")
	if err != nil {
		return "", err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("discovery document: %w", err)
	}
	if doc.Issuer != ik.issuer {
		return "", fmt.Errorf("discovery document names issuer %q", doc.Issuer)
	}
	if !HTTPURL(doc.JWKSURI) {
		return "", fmt.Errorf("discovery document: jwks_uri %q is not an http(s) URL", doc.JWKSURI)
	}
	return doc.JWKSURI, nil
}

func (ik *Keys) get(ctx context.Context, uri string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ik.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", uri, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", uri, err)
	}
	if len(body) > maxDocumentBytes {
		return nil, fmt.Errorf("GET %s: document larger than %d bytes", uri, maxDocumentBytes)
	}
	return body, nil
}

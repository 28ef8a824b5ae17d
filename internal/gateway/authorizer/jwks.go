package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	// jwksTTL is how long an issuer's key set is used before it is fetched
	// again (AWS keeps keys two hours). New keys are picked up sooner, by the
	// refetch an unknown kid causes; removed keys within this time.
	jwksTTL = time.Hour
	// refetchInterval is the least time between two fetches of one issuer's
	// keys: whoever sends a token chooses its kid, and must not be able to
	// make moat hammer the issuer.
	refetchInterval = 10 * time.Second
	// maxDocumentBytes bounds a discovery document or key set.
	maxDocumentBytes = 1 << 20
)

var (
	errNoKeys     = errors.New("no verification keys could be fetched")
	errUnknownKID = errors.New("no key with the token's kid")
)

// verificationKey is one usable key of an issuer's JWKS.
type verificationKey struct {
	key any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
	alg string // the alg the JWK states; "" when it states none
}

// keySnapshot is an issuer's key set as fetched at one moment; never modified.
type keySnapshot struct {
	byKID     map[string]verificationKey
	fetchedAt time.Time
}

func (s *keySnapshot) lookup(kid string) (verificationKey, bool) {
	if s == nil {
		return verificationKey{}, false
	}
	k, ok := s.byKID[kid]
	return k, ok
}

// issuerKeys keeps one issuer's verification keys: fetched on first use,
// again after jwksTTL, and again when a token names a kid not in the set —
// so an issuer's key rotation is picked up without a restart. Fetches are
// one at a time and at most one per refetchInterval; a failed fetch keeps
// the last good keys.
type issuerKeys struct {
	issuer  string
	jwksURI string // "": read from the issuer's discovery document
	client  *http.Client
	logger  *slog.Logger
	now     func() time.Time

	fetching    chan struct{} // holds a token while a fetch runs
	lastAttempt time.Time     // guarded by fetching
	keys        atomic.Pointer[keySnapshot]
}

func newIssuerKeys(issuer, jwksURI string, client *http.Client, logger *slog.Logger, now func() time.Time) *issuerKeys {
	return &issuerKeys{
		issuer: issuer, jwksURI: jwksURI, client: client, logger: logger, now: now,
		fetching: make(chan struct{}, 1),
	}
}

// key returns the issuer's key with the kid: errUnknownKID when the issuer
// has none, errNoKeys when its keys could never be fetched.
func (ik *issuerKeys) key(ctx context.Context, kid string) (verificationKey, error) {
	snap := ik.keys.Load()
	if snap == nil || ik.now().Sub(snap.fetchedAt) >= jwksTTL {
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
		return verificationKey{}, errNoKeys
	default:
		return verificationKey{}, errUnknownKID
	}
}

// refresh fetches the key set unless a fetch ran within refetchInterval, and
// returns the keys held afterwards. When wait is false and a fetch is
// already running, it returns the keys held now instead of waiting.
func (ik *issuerKeys) refresh(ctx context.Context, wait bool) *keySnapshot {
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
	if !ik.lastAttempt.IsZero() && now.Sub(ik.lastAttempt) < refetchInterval {
		return ik.keys.Load() // whoever we waited for has just fetched
	}
	ik.lastAttempt = now
	// The fetch serves every waiting request, so the first one going away
	// must not cancel it; fetchTimeout bounds it instead.
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	byKID, err := ik.fetch(fetchCtx)
	if err != nil {
		ik.logger.WarnContext(ctx, "authorizer: fetching issuer keys failed; keeping the keys held", "issuer", ik.issuer, "err", err)
		return ik.keys.Load()
	}
	snap := &keySnapshot{byKID: byKID, fetchedAt: now}
	ik.keys.Store(snap)
	return snap
}

func (ik *issuerKeys) fetch(ctx context.Context) (map[string]verificationKey, error) {
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
	return parseJWKS(body)
}

// discoverJWKSURI reads jwks_uri from the issuer's OpenID Provider metadata,
// which must name the issuer itself (OpenID Connect Discovery §4.3).
func (ik *issuerKeys) discoverJWKSURI(ctx context.Context) (string, error) {
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
	if !httpURL(doc.JWKSURI) {
		return "", fmt.Errorf("discovery document: jwks_uri %q is not an http(s) URL", doc.JWKSURI)
	}
	return doc.JWKSURI, nil
}

func (ik *issuerKeys) get(ctx context.Context, uri string) ([]byte, error) {
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

// parseJWKS reads the usable keys of a JSON Web Key Set. Keys moat cannot or
// must not verify with (encryption keys, symmetric or private keys, weak or
// unknown types, no kid) are skipped rather than failing the whole set.
func parseJWKS(body []byte) (map[string]verificationKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	byKID := make(map[string]verificationKey, len(set.Keys))
	for _, raw := range set.Keys {
		var secret struct {
			D json.RawMessage `json:"d"`
			K json.RawMessage `json:"k"`
		}
		if json.Unmarshal(raw, &secret) != nil || secret.D != nil || secret.K != nil {
			continue
		}
		var jwk jose.JSONWebKey
		if jwk.UnmarshalJSON(raw) != nil || jwk.KeyID == "" || (jwk.Use != "" && jwk.Use != "sig") || !usableKey(jwk.Key) {
			continue
		}
		if _, dup := byKID[jwk.KeyID]; !dup {
			byKID[jwk.KeyID] = verificationKey{key: jwk.Key, alg: jwk.Algorithm}
		}
	}
	if len(byKID) == 0 {
		return nil, errors.New("key set holds no usable signing key")
	}
	return byKID, nil
}

// httpURL reports whether s is an absolute http or https URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

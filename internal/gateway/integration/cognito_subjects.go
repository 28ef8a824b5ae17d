package integration

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/go-jose/go-jose/v4"

	"github.com/moat-dev/moat/internal/cognitoproxy"
	"github.com/moat-dev/moat/internal/oidcjwt"
)

// poolIDPattern is a user pool id: <region>_<letters and digits>.
var poolIDPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+_[0-9A-Za-z]{1,55}$`)

// maxIssuerKeys bounds the pools whose keys one proxy keeps: the pool an
// unproven token names is the caller's choice.
const maxIssuerKeys = 64

// subjects proves an access token's sub with the keys of the upstream pool
// that issued it: the issuer must be one of the upstream's pools
// (<issuerBase>/<pool id>), and its keys are read from the upstream itself
// (<upstream>/<pool id>/.well-known/jwks.json), as Cognito and moat serve them.
type subjects struct {
	issuerBase, upstream string
	client               *http.Client
	logger               *slog.Logger

	mu   sync.Mutex
	keys map[string]*oidcjwt.Keys // by pool id
}

func (s *subjects) verify(ctx context.Context, token string) (string, error) {
	jws, err := jose.ParseSignedCompact(token, oidcjwt.AllowedAlgorithms)
	if err != nil {
		return "", cognitoproxy.ErrForged
	}
	// The claims are read unproven only to pick the keys that must have signed them.
	var claims struct{ Iss, Sub string }
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims) != nil {
		return "", cognitoproxy.ErrForged
	}
	pool, ok := strings.CutPrefix(claims.Iss, s.issuerBase+"/")
	if !ok || !poolIDPattern.MatchString(pool) {
		return "", cognitoproxy.ErrForged
	}
	keys, err := s.poolKeys(pool, claims.Iss)
	if err != nil {
		return "", err
	}
	payload, err := keys.Verify(ctx, jws)
	switch {
	case errors.Is(err, oidcjwt.ErrNoKeys):
		return "", err
	case err != nil:
		return "", cognitoproxy.ErrForged
	}
	if json.Unmarshal(payload, &claims) != nil {
		return "", cognitoproxy.ErrForged
	}
	return claims.Sub, nil
}

var errTooManyPools = errors.New("cognito proxy: tokens name too many pools to keep keys for")

func (s *subjects) poolKeys(pool, issuer string) (*oidcjwt.Keys, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[pool]; ok {
		return k, nil
	}
	if len(s.keys) >= maxIssuerKeys {
		return nil, errTooManyPools
	}
	k := oidcjwt.NewKeys(issuer, s.upstream+pool+"/.well-known/jwks.json", s.client, s.logger, nil)
	s.keys[pool] = k
	return k, nil
}

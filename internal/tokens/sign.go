package tokens

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
)

// Sign mints a token of the pool for use ("id" or "access"), signed with the
// pool's key for that use. It sets iss and token_use, overriding claims; the
// header is {"alg":"RS256","kid":…} like Cognito's (no typ). A pool without
// keys gets them on first use.
func (s *Service) Sign(ctx context.Context, poolID, use string, claims map[string]any) (string, error) {
	if use != UseID && use != UseAccess {
		return "", fmt.Errorf("tokens: unknown token use %q", use)
	}
	k, err := s.signingKey(ctx, poolID, use)
	if err != nil {
		return "", err
	}
	body := make(map[string]any, len(claims)+2)
	maps.Copy(body, claims)
	body["iss"] = s.IssuerURL(poolID)
	body["token_use"] = use
	payload, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("tokens: encode claims: %w", err)
	}
	jws, err := k.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("tokens: sign: %w", err)
	}
	return jws.CompactSerialize()
}

func (s *Service) signingKey(ctx context.Context, poolID, use string) (*key, error) {
	set, err := s.keys(ctx, poolID, keysMaxAge)
	if err != nil {
		return nil, err
	}
	if k := set.signing[use]; k != nil {
		return k, nil
	}
	if err := s.EnsureKeys(ctx, poolID); err != nil {
		return nil, err
	}
	if set, err = s.keys(ctx, poolID, keysMaxAge); err != nil {
		return nil, err
	}
	if k := set.signing[use]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("tokens: pool %s has no %s key", poolID, use)
}

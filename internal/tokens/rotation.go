package tokens

import (
	"context"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/store"
)

// Key lifecycle. Several replicas may share one store and nothing locks across
// them, so every step is safe to race: creators only add keys, the signing key
// is picked deterministically (newest active, see newKeySet), and a rotation
// retires only the keys it saw before adding its own, so the last rotation's
// keys always survive.

// EnsureKeys gives the pool an active key for each use it lacks one for.
func (s *Service) EnsureKeys(ctx context.Context, poolID string) error {
	existing, err := s.poolSigningKeys(ctx, poolID)
	if err != nil {
		return err
	}
	active := make(map[string]bool, len(uses))
	for _, k := range existing {
		if k.RetiredAt == 0 {
			active[k.Use] = true
		}
	}
	for _, use := range uses {
		if !active[use] {
			if err := s.createKey(ctx, poolID, use); err != nil {
				return err
			}
		}
	}
	return s.reload(ctx, poolID)
}

// RotateKeys gives the pool new keys for both uses and retires the old ones.
// Retired keys stay in the JWKS, so tokens they signed keep verifying, until
// PruneKeys deletes them.
func (s *Service) RotateKeys(ctx context.Context, poolID string) error {
	existing, err := s.poolSigningKeys(ctx, poolID)
	if err != nil {
		return err
	}
	for _, use := range uses {
		if err := s.createKey(ctx, poolID, use); err != nil {
			return err
		}
	}
	retiredAt := s.now().Unix()
	for _, k := range existing {
		if k.RetiredAt != 0 {
			continue
		}
		err := s.st.UpdateSigningKey(ctx, poolID, k.KID, func(k store.SigningKey) (store.SigningKey, error) {
			if k.RetiredAt == 0 {
				k.RetiredAt = retiredAt
			}
			return k, nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("tokens: retire key %s of pool %s: %w", k.KID, poolID, err)
		}
	}
	return s.reload(ctx, poolID)
}

// PruneKeys deletes the pool's keys retired long enough ago that no token they
// signed can still be valid: the longest token lifetime, plus the time a
// replica may go on signing with a key after another retired it.
func (s *Service) PruneKeys(ctx context.Context, poolID string) error {
	existing, err := s.poolSigningKeys(ctx, poolID)
	if err != nil {
		return err
	}
	cutoff := s.now().Add(-MaxTokenLifetime - keysMaxAge).Unix()
	for _, k := range existing {
		if k.RetiredAt == 0 || k.RetiredAt > cutoff {
			continue
		}
		if err := s.st.DeleteSigningKey(ctx, poolID, k.KID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("tokens: delete key %s of pool %s: %w", k.KID, poolID, err)
		}
	}
	return s.reload(ctx, poolID)
}

// poolSigningKeys lists the keys of a pool that must exist.
func (s *Service) poolSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	if _, err := s.st.GetUserPool(ctx, poolID); err != nil {
		return nil, fmt.Errorf("tokens: user pool %s: %w", poolID, err)
	}
	keys, err := s.st.ListSigningKeys(ctx, poolID)
	if err != nil {
		return nil, fmt.Errorf("tokens: keys of pool %s: %w", poolID, err)
	}
	return keys, nil
}

func (s *Service) createKey(ctx context.Context, poolID, use string) error {
	k, err := generateKey(poolID, use, s.now().Unix())
	if err != nil {
		return err
	}
	if err := s.st.CreateSigningKey(ctx, k); err != nil {
		return fmt.Errorf("tokens: store key of pool %s: %w", poolID, err)
	}
	return nil
}

package usage

import (
	"context"
	"errors"

	"github.com/moat-dev/moat/internal/store"
)

// NewAPIKey is what CreateApiKey asks for. An empty Value means generate one.
type NewAPIKey struct {
	Name, Description string
	Enabled           bool
	Value             string
	Attributes        []byte
}

// CreateAPIKey stores a new key and returns it with its value.
// store.ErrAlreadyExists means the value is taken; ErrInvalidValue that an
// imported value is malformed; an *InvalidError that the name is.
func (s *Service) CreateAPIKey(ctx context.Context, in NewAPIKey) (store.APIKey, string, error) {
	if err := checkName(in.Name); err != nil {
		return store.APIKey{}, "", err
	}
	value := in.Value
	if value == "" {
		value = NewKeyValue()
	} else if err := ValidateValue(value); err != nil {
		return store.APIKey{}, "", err
	}
	now := s.now().Unix()
	k := store.APIKey{ID: NewKeyID(), Name: in.Name, Description: in.Description, Enabled: in.Enabled,
		ValueHash: s.keys.hash(value), SealedValue: s.keys.seal(value), Attributes: in.Attributes, CreatedAt: now, UpdatedAt: now}
	if err := s.changed(s.store.CreateAPIKey(ctx, k)); err != nil {
		return store.APIKey{}, "", err
	}
	return k, value, nil
}

// KeyValue opens a stored key's value (GetApiKey includeValue=true).
func (s *Service) KeyValue(k store.APIKey) (string, error) { return s.keys.open(k.SealedValue) }

// UpdateAPIKey applies change to the stored key (its value never changes);
// change's own error is returned as it is, store.ErrNotFound when there is
// no such key.
func (s *Service) UpdateAPIKey(ctx context.Context, id string, change func(*store.APIKey) error) error {
	err := s.store.UpdateAPIKey(ctx, id, func(k store.APIKey) (store.APIKey, error) {
		hash, sealed := k.ValueHash, k.SealedValue
		if err := change(&k); err != nil {
			return k, err
		}
		if err := checkName(k.Name); err != nil {
			return k, err
		}
		k.ValueHash, k.SealedValue, k.UpdatedAt = hash, sealed, s.now().Unix()
		return k, nil
	})
	return s.changed(err)
}

// DeleteAPIKey removes a key; store.ErrNotFound when there is none.
func (s *Service) DeleteAPIKey(ctx context.Context, id string) error {
	return s.changed(s.store.DeleteAPIKey(ctx, id))
}

// ErrValueChanged refuses to declare a key under a name a key with another
// value holds.
var ErrValueChanged = errors.New("the stored key has another value; a key's value cannot change (delete the key or declare it under a new name)")

// DeclareKey makes the key named in.Name exist with in's description and
// enabled flag, creating it with in.Value when missing. Running it again
// changes nothing; a stored key with another value is ErrValueChanged.
func (s *Service) DeclareKey(ctx context.Context, in NewAPIKey) (store.APIKey, error) {
	if err := ValidateValue(in.Value); err != nil {
		return store.APIKey{}, err
	}
	all, err := s.store.ListAPIKeys(ctx)
	if err != nil {
		return store.APIKey{}, err
	}
	for _, k := range all {
		if k.Name != in.Name {
			continue
		}
		if stored, err := s.KeyValue(k); err != nil || stored != in.Value {
			return store.APIKey{}, ErrValueChanged
		}
		if k.Enabled == in.Enabled && k.Description == in.Description {
			return k, nil
		}
		err := s.UpdateAPIKey(ctx, k.ID, func(k *store.APIKey) error {
			k.Enabled, k.Description = in.Enabled, in.Description
			return nil
		})
		k.Enabled, k.Description = in.Enabled, in.Description
		return k, err
	}
	k, _, err := s.CreateAPIKey(ctx, in)
	return k, err
}

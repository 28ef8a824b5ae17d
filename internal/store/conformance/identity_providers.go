package conformance

import (
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testIdentityProviders(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	other := pool(t, s, "pool2")
	poolOwned(t, "IdentityProvider", p.ID, func(poolID string) error {
		return s.CreateIdentityProvider(ctx, store.IdentityProvider{PoolID: poolID, Name: "Okta", Type: "OIDC"})
	}, s.ListIdentityProviders)
	okta := store.IdentityProvider{PoolID: p.ID, Name: "Okta", Type: "OIDC", Details: `{"client_secret":"s3cret"}`, Mapping: []byte(`{"email":"email"}`),
		Identifiers: []byte(`["example.com"]`), CreatedAt: 1, UpdatedAt: 1}
	adfs := store.IdentityProvider{PoolID: p.ID, Name: "ADFS", Type: "SAML", Details: `{"MetadataURL":"https://idp.example/m"}`, CreatedAt: 2, UpdatedAt: 2}
	must(t, s.CreateIdentityProvider(ctx, okta), "CreateIdentityProvider")
	must(t, s.CreateIdentityProvider(ctx, adfs), "CreateIdentityProvider")
	must(t, s.CreateIdentityProvider(ctx, store.IdentityProvider{PoolID: other.ID, Name: "Okta", Type: "OIDC"}), "the same name in another pool")
	want(t, s.CreateIdentityProvider(ctx, okta), store.ErrAlreadyExists, "CreateIdentityProvider duplicate")

	got, err := s.GetIdentityProvider(ctx, p.ID, "Okta")
	must(t, err, "GetIdentityProvider")
	same(t, got, okta, "GetIdentityProvider keeps the details")
	list, err := s.ListIdentityProviders(ctx, p.ID)
	must(t, err, "ListIdentityProviders")
	same(t, list, []store.IdentityProvider{adfs, okta}, "ListIdentityProviders ordered by Name")
	must(t, s.UpdateIdentityProvider(ctx, p.ID, "Okta", func(ip store.IdentityProvider) (store.IdentityProvider, error) {
		ip.Details, ip.UpdatedAt = `{"client_secret":"rotated"}`, 5
		return ip, nil
	}), "UpdateIdentityProvider")
	okta.Details, okta.UpdatedAt = `{"client_secret":"rotated"}`, 5
	got, err = s.GetIdentityProvider(ctx, p.ID, "Okta")
	must(t, err, "GetIdentityProvider after update")
	same(t, got, okta, "updated identity provider")
	if err := s.UpdateIdentityProvider(ctx, p.ID, "Okta", func(ip store.IdentityProvider) (store.IdentityProvider, error) { ip.Type = "SAML"; return ip, nil }); err == nil {
		t.Fatal("UpdateIdentityProvider changed the type")
	}
	must(t, s.DeleteIdentityProvider(ctx, p.ID, "ADFS"), "DeleteIdentityProvider")
	want(t, s.DeleteIdentityProvider(ctx, p.ID, "ADFS"), store.ErrNotFound, "DeleteIdentityProvider twice")
	must(t, s.DeleteUserPool(ctx, p.ID), "DeleteUserPool")
	_, err = s.GetIdentityProvider(ctx, p.ID, "Okta")
	want(t, err, store.ErrNotFound, "a pool's identity providers go with it")
}

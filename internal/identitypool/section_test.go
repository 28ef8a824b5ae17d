package identitypool

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/configfile"
)

// shopRefs are the names the other sections of a file would declare.
func shopRefs() *configfile.References {
	refs := configfile.NewReferences()
	refs.Declare(configfile.UserPoolRef, "shop", "us-east-1_AbC123xyz")
	refs.Declare(configfile.UserPoolClientRef, "shop/web", "webclient0123456789abcdefg")
	for _, r := range []string{"shop-users", "shop-guests", "shop-admins"} {
		refs.Declare(configfile.RoleRef, r, "arn:aws:iam::000000000000:role/"+r)
	}
	return refs
}

func decodeSection(t *testing.T, yaml string) (Section, error) {
	t.Helper()
	var file struct {
		IdentityPools Section `yaml:"identityPools"`
	}
	if err := configfile.Decode([]byte("identityPools:\n"+yaml), &file); err != nil {
		return nil, err
	}
	refs := shopRefs()
	file.IdentityPools.DeclareNames(refs, "us-east-1")
	return file.IdentityPools, configfile.At("identityPools", file.IdentityPools.Resolve(refs))
}

const shopIdentityPool = `  - name: shop
    settings: {AllowUnauthenticatedIdentities: true}
    userPoolClients: [shop/web]
    roles: {authenticated: shop-users, unauthenticated: shop-guests}
    roleMappings:
      shop/web:
        Type: Rules
        AmbiguousRoleResolution: AuthenticatedRole
        RulesConfiguration:
          Rules: [{Claim: cognito:groups, MatchType: Contains, Value: admins, RoleARN: shop-admins}]
`

func TestSectionErrorsNameTheKey(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown client":  {"  - {name: shop, userPoolClients: [shop/app]}", "identityPools[0].userPoolClients[0]: ${userPoolClient:shop/app} names no app client (<pool>/<client>) of userPools: (declared: shop/web)"},
		"unknown role":    {"  - {name: shop, roles: {authenticated: shop-user}}", "identityPools[0].roles.authenticated: ${role:shop-user} names no role of roles:"},
		"role kind":       {"  - {name: shop, roles: {admin: shop-users}}", "identityPools[0].roles.admin: the roles are authenticated and unauthenticated"},
		"rule role":       {"  - {name: shop, roleMappings: {shop/web: {Type: Rules, AmbiguousRoleResolution: Deny, RulesConfiguration: {Rules: [{Claim: c, MatchType: Equals, Value: v, RoleARN: nobody}]}}}}", "identityPools[0].roleMappings[\"shop/web\"].RulesConfiguration.Rules[0].RoleARN: ${role:nobody} names no role"},
		"mapping":         {"  - {name: shop, roleMappings: {shop/web: {Type: Token}}}", "identityPools[0]: RoleMappings[cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz:webclient0123456789abcdefg]: AmbiguousRoleResolution must be AuthenticatedRole or Deny."},
		"mapping member":  {"  - {name: shop, roleMappings: {shop/web: {Type: Token, Ambiguous: Deny}}}", `identityPools[0].roleMappings["shop/web"]: line 2: unknown field "Ambiguous"`},
		"settings member": {"  - {name: shop, settings: {IdentityPoolName: other}}", "identityPools[0].settings: line 2: the pool's name is its name: key"},
		"twice":           {"  - {name: shop}\n  - {name: shop}", `identityPools[1].name: "shop" is declared twice`},
		"name":            {"  - {name: 'shop/eu'}", "identityPools[0].name: 1 validation error detected: Value 'shop/eu' at 'identityPoolName'"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeSection(t, c.yaml+"\n")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
}

// Applying the file twice leaves one pool of the file's id with the file's
// providers and roles; a changed file brings them up to date.
func TestSectionApplyIsIdempotent(t *testing.T) {
	f := newFixture(t)
	f.userPool(t, "us-east-1_AbC123xyz")
	section, err := decodeSection(t, shopIdentityPool)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := section.Apply(ctx, f.Service); err != nil {
			t.Fatal(err)
		}
	}
	id := DeclaredPoolID("us-east-1", "shop")
	list, err := f.ListIdentityPools(ctx, &ListIdentityPoolsInput{MaxResults: 60})
	if err != nil || len(list.IdentityPools) != 1 || list.IdentityPools[0].IdentityPoolId != id {
		t.Fatalf("pools after two applies: %+v, %v", list, err)
	}
	pool, err := f.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: id})
	if err != nil || !pool.AllowUnauthenticatedIdentities || len(pool.CognitoIdentityProviders) != 1 ||
		pool.CognitoIdentityProviders[0] != (Provider{ProviderName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz", ClientId: "webclient0123456789abcdefg"}) {
		t.Fatalf("pool: %+v, %v", pool, err)
	}
	roles, err := f.GetIdentityPoolRoles(ctx, &PoolIDInput{IdentityPoolId: id})
	mapping := roles.RoleMappings["cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz:webclient0123456789abcdefg"]
	if err != nil || roles.Roles["authenticated"] != "arn:aws:iam::000000000000:role/shop-users" || roles.Roles["unauthenticated"] != "arn:aws:iam::000000000000:role/shop-guests" ||
		mapping.RulesConfiguration == nil || mapping.RulesConfiguration.Rules[0].RoleARN != "arn:aws:iam::000000000000:role/shop-admins" {
		t.Fatalf("roles: %+v, %v", roles, err)
	}
	stored, err := f.st.GetIdentityPool(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	changed, err := decodeSection(t, strings.ReplaceAll(strings.ReplaceAll(shopIdentityPool, "AllowUnauthenticatedIdentities: true", "AllowUnauthenticatedIdentities: false"), "unauthenticated: shop-guests", "unauthenticated: shop-users"))
	if err != nil {
		t.Fatal(err)
	}
	if err := changed.Apply(ctx, f.Service); err != nil {
		t.Fatal(err)
	}
	pool, _ = f.DescribeIdentityPool(ctx, &PoolIDInput{IdentityPoolId: id})
	roles, _ = f.GetIdentityPoolRoles(ctx, &PoolIDInput{IdentityPoolId: id})
	if pool.AllowUnauthenticatedIdentities || roles.Roles["unauthenticated"] != "arn:aws:iam::000000000000:role/shop-users" {
		t.Errorf("after the change: %+v, %+v", pool, roles)
	}
	if again, _ := f.st.GetIdentityPool(ctx, id); again.CreatedAt != stored.CreatedAt {
		t.Errorf("the pool was made anew")
	}
}

package userpool

import (
	"context"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/configfile"
)

// decodeSection reads userPools: as moat's config file does, and resolves
// its references against roles named in roles.
func decodeSection(t *testing.T, yaml string, roles ...string) (Section, error) {
	t.Helper()
	var file struct {
		UserPools Section `yaml:"userPools"`
	}
	if err := configfile.Decode([]byte("userPools:\n"+yaml), &file); err != nil {
		return nil, err
	}
	refs := configfile.NewReferences()
	for _, r := range roles {
		refs.Declare(configfile.RoleRef, r, "arn:aws:iam::000000000000:role/"+r)
	}
	file.UserPools.DeclareNames(refs, "us-east-1", "http://moat.test")
	return file.UserPools, configfile.At("userPools", file.UserPools.Resolve(refs))
}

// A setting the API refuses is refused from the file with the API's own
// message, under the setting's YAML key; so are names declared twice,
// unknown members and references to nothing.
func TestSectionErrorsNameTheKey(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	_, unbuiltErr := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "p", PoolConfig: PoolConfig{UserPoolAddOns: map[string]any{"AdvancedSecurityMode": "ENFORCED"}}})
	poolID := newTestPool(t, s)
	_, flowErr := s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "c", ClientConfig: ClientConfig{ExplicitAuthFlows: []string{"ALLOW_MAGIC"}}})
	if unbuiltErr == nil || flowErr == nil {
		t.Fatalf("the API accepted what the file must refuse: %v, %v", unbuiltErr, flowErr)
	}
	message := func(err error) string { return err.Error()[strings.Index(err.Error(), ": ")+2:] }
	t.Setenv("DEV_PASSWORD", "Corr3ct-Horse!")
	cases := map[string]struct{ yaml, want string }{
		"unbuilt":        {"- {name: shop, settings: {UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}}}", "userPools[0].settings: " + message(unbuiltErr)},
		"client setting": {"- {name: shop, clients: [{name: web, settings: {ExplicitAuthFlows: [ALLOW_MAGIC]}}]}", "userPools[0].clients[0].settings: " + message(flowErr)},
		"unknown member": {"- {name: shop, settings: {LambdaConfg: {}}}", `userPools[0].settings: line 2: unknown field "LambdaConfg"`},
		"MoatMfa":        {"- {name: shop, settings: {MoatMfa: {}}}", `userPools[0].settings: line 2: unknown field "MoatMfa"`},
		"unknown key":    {"- {name: shop, client: []}", "userPools[0].client: unknown key (did you mean clients?)"},
		"pool twice":     {"- {name: shop}\n- {name: shop}", `userPools[1].name: "shop" is declared twice`},
		"pool name":      {"- {name: 'shop/eu'}", `userPools[0].name: "shop/eu" must be 1 to 128 letters`},
		"client twice":   {"- {name: shop, clients: [{name: web}, {name: web}]}", `userPools[0].clients[1].name: "web" is declared twice in this pool`},
		"group twice":    {"- {name: shop, groups: [{name: staff}, {name: staff}]}", `userPools[0].groups[1].name: "staff" is declared twice in this pool`},
		"precedence":     {"- {name: shop, groups: [{name: staff, precedence: -1}]}", "userPools[0].groups[0]: 1 validation error detected: Value '-1' at 'precedence'"},
		"user group":     {"- {name: shop, users: [{username: alice, groups: [staff], passwordFromEnv: DEV_PASSWORD}]}", `userPools[0].users[0].groups[0]: "staff" is no group of this pool's groups:`},
		"user twice":     {"- {name: shop, users: [{username: alice, passwordFromEnv: DEV_PASSWORD}, {username: alice, passwordFromEnv: DEV_PASSWORD}]}", `userPools[0].users[1].username: "alice" is declared twice in this pool`},
		"no password":    {"- {name: shop, users: [{username: alice}]}", "userPools[0].users[0]: give the password with one of passwordFromEnv, passwordFromFile or"},
		"two passwords":  {"- {name: shop, users: [{username: alice, passwordFromEnv: DEV_PASSWORD, insecurePassword: x}]}", "userPools[0].users[0]: give the password with one of"},
		"unset env":      {"- {name: shop, users: [{username: alice, passwordFromEnv: MOAT_TEST_UNSET}]}", "userPools[0].users[0].passwordFromEnv: environment variable MOAT_TEST_UNSET is not set"},
		"missing file":   {"- {name: shop, users: [{username: alice, passwordFromFile: /nonexistent/pw}]}", "userPools[0].users[0].passwordFromFile: open /nonexistent/pw"},
		"attribute":      {"- {name: shop, users: [{username: alice, attributes: {custom:nope: x}, passwordFromEnv: DEV_PASSWORD}]}", "userPools[0].users[0].attributes: "},
		"unknown role":   {"- {name: shop, groups: [{name: staff, role: admins}]}", "userPools[0].groups[0].role: ${role:admins} names no role of roles: (declared: shop-users)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeSection(t, indent(c.yaml), "shop-users")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

const shopPools = `
- name: shop
  settings:
    Policies: {PasswordPolicy: {MinimumLength: 10}}
  clients:
    - name: web
      settings: {ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}
    - name: backend
      settings: {GenerateSecret: true, ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH]}
  groups:
    - {name: staff, description: DESCRIPTION, precedence: 1, role: shop-users}
    - {name: buyers}
  users:
    - {username: alice, attributes: {email: alice@example.com}, groups: [staff], passwordFromEnv: ALICE_PASSWORD}
`

// Applying the same file twice changes nothing: the same pool and client
// ids, one of each client and group, the secret made once; a changed file
// brings what it names up to date.
func TestSectionApplyIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	t.Setenv("ALICE_PASSWORD", "Corr3ct-Horse!")
	section, err := decodeSection(t, strings.ReplaceAll(shopPools, "DESCRIPTION", "Shop staff"), "shop-users")
	if err != nil {
		t.Fatal(err)
	}
	poolID := DeclaredPoolID("us-east-1", "shop")
	describe := func() (UserPoolType, []UserPoolClientType, []GroupType) {
		t.Helper()
		pool, err := s.DescribeUserPool(ctx, &DescribeUserPoolInput{UserPoolId: poolID})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.ListUserPoolClients(ctx, &ListUserPoolClientsInput{UserPoolId: poolID, MaxResults: 60})
		if err != nil {
			t.Fatal(err)
		}
		var clients []UserPoolClientType
		for _, c := range list.UserPoolClients {
			d, err := s.DescribeUserPoolClient(ctx, &ClientRef{UserPoolId: poolID, ClientId: c.ClientId})
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, d.UserPoolClient)
		}
		groups, err := s.ListGroups(ctx, &ListGroupsInput{UserPoolId: poolID})
		if err != nil {
			t.Fatal(err)
		}
		return pool.UserPool, clients, groups.Groups
	}
	if err := section.Apply(ctx, s); err != nil {
		t.Fatal(err)
	}
	pool, clients, groups := describe()
	if pool.Name != "shop" || pool.Policies.PasswordPolicy.MinimumLength != 10 || len(clients) != 2 || len(groups) != 2 {
		t.Fatalf("after one apply: pool %+v, clients %+v, groups %+v", pool, clients, groups)
	}
	secrets, backend := map[string]string{}, UserPoolClientType{}
	for _, c := range clients {
		if c.ClientName == "backend" {
			backend = c
		}
		if c.ClientId != DeclaredClientID(poolID, c.ClientName) {
			t.Errorf("client %s has id %s, not the file's %s", c.ClientName, c.ClientId, DeclaredClientID(poolID, c.ClientName))
		}
		secrets[c.ClientName] = c.ClientSecret
	}
	if secrets["web"] != "" || len(secrets["backend"]) != 51 {
		t.Errorf("secrets: %q", secrets)
	}
	signIn := func(password string) {
		t.Helper()
		_, err := s.AdminInitiateAuth(ctx, testCaller, &AdminInitiateAuthInput{UserPoolId: poolID, InitiateAuthInput: InitiateAuthInput{
			ClientId: DeclaredClientID(poolID, "backend"), AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password, "SECRET_HASH": secretHashB64(backend, "alice")},
		}})
		if err != nil {
			t.Fatalf("alice signs in: %v", err)
		}
	}
	signIn("Corr3ct-Horse!")

	// Again, from a second reading of the same file: nothing is written.
	again, err := decodeSection(t, strings.ReplaceAll(shopPools, "DESCRIPTION", "Shop staff"), "shop-users")
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Apply(ctx, s); err != nil {
		t.Fatal(err)
	}
	pool2, clients2, groups2 := describe()
	if pool2.LastModifiedDate != pool.LastModifiedDate || len(clients2) != 2 || len(groups2) != 2 {
		t.Errorf("a second apply changed things: pool %v → %v, %d clients, %d groups", pool.LastModifiedDate, pool2.LastModifiedDate, len(clients2), len(groups2))
	}
	for i := range clients2 {
		if clients2[i].ClientSecret != clients[i].ClientSecret || clients2[i].LastModifiedDate != clients[i].LastModifiedDate {
			t.Errorf("client %s was rewritten by a second apply", clients2[i].ClientName)
		}
	}

	// A changed file: the group's description follows it, the user's
	// groups are the file's, the password is not reset.
	changed, err := decodeSection(t, strings.ReplaceAll(strings.ReplaceAll(shopPools, "DESCRIPTION", "Staff"), "groups: [staff]", "groups: [buyers]"), "shop-users")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALICE_PASSWORD", "An0ther-Horse!")
	if err := changed.Apply(ctx, s); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetGroup(ctx, &GroupRef{UserPoolId: poolID, GroupName: "staff"})
	if err != nil || g.Group.Description != "Staff" || g.Group.RoleArn != "arn:aws:iam::000000000000:role/shop-users" {
		t.Errorf("staff after the change: %+v, %v", g, err)
	}
	member, err := s.AdminListGroupsForUser(ctx, &AdminListGroupsForUserInput{UserPoolId: poolID, Username: "alice"})
	if err != nil || len(member.Groups) != 1 || member.Groups[0].GroupName != "buyers" {
		t.Errorf("alice's groups after the change: %+v, %v", member, err)
	}
	signIn("Corr3ct-Horse!")
}

// What Cognito fixes when a pool is created cannot be changed from the
// file either; the refusal says so under the settings' key.
func TestSectionRefusesChangingWhatCreationFixes(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	first, err := decodeSection(t, indent("- {name: shop, settings: {UsernameAttributes: [email]}}"))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Apply(ctx, s); err != nil {
		t.Fatal(err)
	}
	second, err := decodeSection(t, indent("- {name: shop}"))
	if err != nil {
		t.Fatal(err)
	}
	err = second.Apply(ctx, s)
	if err == nil || !strings.HasPrefix(err.Error(), "userPools[0].settings: UsernameAttributes, AliasAttributes and UsernameConfiguration cannot change") {
		t.Errorf("got %v", err)
	}
}

func TestDeclaredIDs(t *testing.T) {
	id := DeclaredPoolID("eu-west-1", "shop")
	if id != DeclaredPoolID("eu-west-1", "shop") || id == DeclaredPoolID("eu-west-1", "shop2") || id == DeclaredPoolID("us-east-1", "shop") {
		t.Fatal("pool ids are not a function of region and name alone")
	}
	if !strings.HasPrefix(id, "eu-west-1_") || len(id) != len("eu-west-1_")+9 || strings.Trim(id[len("eu-west-1_"):], alnum) != "" {
		t.Errorf("pool id %q is not in Cognito's shape", id)
	}
	client := DeclaredClientID(id, "web")
	if len(client) != 26 || strings.Trim(client, lowerAlnum) != "" || client == DeclaredClientID(id, "web2") {
		t.Errorf("client id %q", client)
	}
}

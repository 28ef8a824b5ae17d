package userpool

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
)

// Section is the config file's userPools:. At every start (and on SIGHUP)
// each pool, with its app clients, groups and users, is created or brought
// back to what the file says (Apply); what the file does not name is left
// alone. A declared pool's id and its clients' ids follow from the names
// (declared_ids.go), so the same file gives the same ids on every start and
// other sections refer to them by name: ${userPool:shop},
// ${userPoolClient:shop/web}.
type Section []DeclaredPool

// DeclaredPool is one pool of userPools:.
type DeclaredPool struct {
	// Name is the pool's PoolName and how the file refers to it.
	Name     string           `yaml:"name"`
	Settings PoolSettings     `yaml:"settings,omitempty"`
	Clients  []DeclaredClient `yaml:"clients,omitempty"`
	Groups   []DeclaredGroup  `yaml:"groups,omitempty"`
	Users    []DeclaredUser   `yaml:"users,omitempty"`
}

// PoolSettings are CreateUserPool's members besides PoolName, written as
// the API takes them (PascalCase): the same rules, the same refusals.
type PoolSettings struct{ PoolConfig }

// DeclaredClient is an app client of a declared pool.
type DeclaredClient struct {
	// Name is the ClientName; ${userPoolClient:<pool>/<name>} is its id.
	Name     string         `yaml:"name"`
	Settings ClientSettings `yaml:"settings,omitempty"`
}

// ClientSettings are CreateUserPoolClient's members besides UserPoolId
// and ClientName, as the API takes them. A secret (GenerateSecret) is
// generated once, when the client is created, and kept sealed.
type ClientSettings struct {
	GenerateSecret bool `json:"GenerateSecret"`
	ClientConfig
}

// DeclaredGroup is a group of a declared pool.
type DeclaredGroup struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	Precedence  *int64 `yaml:"precedence,omitempty"`
	// Role is a role of roles: by name, or a role's ARN.
	Role string `yaml:"role,omitempty"`
}

// DeclaredUser is a user of a declared pool, for development setups. The
// password is read from the environment or a file; written in the file
// itself only under the key that says so, insecurePassword. It is set when
// the user is created; the user's attributes and groups are brought back to
// the file's at every start.
type DeclaredUser struct {
	Username   string            `yaml:"username"`
	Attributes map[string]string `yaml:"attributes,omitempty"`
	// Groups are the user's groups, exactly: groups of this pool the file
	// declares.
	Groups           []string `yaml:"groups,omitempty"`
	PasswordFromEnv  string   `yaml:"passwordFromEnv,omitempty"`
	PasswordFromFile string   `yaml:"passwordFromFile,omitempty"`
	InsecurePassword string   `yaml:"insecurePassword,omitempty"`
}

func (p *PoolSettings) UnmarshalYAML(n *yaml.Node) error {
	if err := configfile.DecodeAPIShape(n, &p.PoolConfig); err != nil {
		return err
	}
	if p.MFA != nil {
		return fmt.Errorf("line %d: unknown field \"MoatMfa\"", n.Line)
	}
	return nil
}

func (c *ClientSettings) UnmarshalYAML(n *yaml.Node) error {
	return configfile.DecodeAPIShape(n, c)
}

// Validate checks the section by the rules CreateUserPool,
// CreateUserPoolClient, CreateGroup and AdminCreateUser apply, with their
// messages; errors name the YAML key ([0].clients[1].settings).
func (s Section) Validate() error {
	var errs []error
	bad := func(path string, err error) { errs = append(errs, configfile.At(path, awserr.Reason(err))) }
	seen := map[string]bool{}
	for i, d := range s {
		at := configfile.Index("", i)
		if !poolNamePattern.MatchString(d.Name) {
			bad(at+".name", fmt.Errorf("%q must be 1 to 128 letters, digits, spaces and + = , . @ - _", d.Name))
		} else if seen[d.Name] {
			bad(at+".name", fmt.Errorf("%q is declared twice", d.Name))
		}
		seen[d.Name] = true
		cfg, err := normalizePoolConfig(d.Settings.PoolConfig)
		if err != nil {
			bad(at+".settings", err)
			continue
		}
		errs = append(errs, d.validateParts(at, &pool{Config: cfg}))
	}
	return errors.Join(errs...)
}

// validateParts checks a pool's clients, groups and users against the pool.
func (d DeclaredPool) validateParts(at string, p *pool) error {
	var errs []error
	bad := func(path string, err error) { errs = append(errs, configfile.At(path, awserr.Reason(err))) }
	clients := map[string]bool{}
	for j, c := range d.Clients {
		cat := configfile.Index(at+".clients", j)
		switch {
		case !clientNamePattern.MatchString(c.Name):
			bad(cat+".name", fmt.Errorf("%q must be 1 to 128 letters, digits, spaces and + = , . @ - _", c.Name))
		case clients[c.Name]:
			bad(cat+".name", fmt.Errorf("%q is declared twice in this pool", c.Name))
		}
		clients[c.Name] = true
		if _, err := normalizeClientConfig(p, c.Settings.ClientConfig); err != nil {
			bad(cat+".settings", err)
		}
	}
	groups := map[string]bool{}
	for j, g := range d.Groups {
		gat := configfile.Index(at+".groups", j)
		in := g.input("")
		if err := in.validate(); err != nil {
			bad(gat, err)
		} else if groups[g.Name] {
			bad(gat+".name", fmt.Errorf("%q is declared twice in this pool", g.Name))
		}
		groups[g.Name] = true
	}
	users := map[string]bool{}
	for j, u := range d.Users {
		uat := configfile.Index(at+".users", j)
		key := u.Username
		if !p.caseSensitive() {
			key = strings.ToLower(key)
		}
		switch {
		case !usernamePattern.MatchString(u.Username):
			bad(uat+".username", fmt.Errorf("%q is not a username (1 to 128 letters, digits, marks, symbols, punctuation)", u.Username))
		case users[key]:
			bad(uat+".username", fmt.Errorf("%q is declared twice in this pool", u.Username))
		}
		users[key] = true
		if err := p.validateAttributes(u.attributes(), true, nil); err != nil {
			bad(uat+".attributes", err)
		}
		for k, g := range u.Groups {
			if !groups[g] {
				bad(configfile.Index(uat+".groups", k), fmt.Errorf("%q is no group of this pool's groups:", g))
			}
		}
		if field, err := u.checkPasswordSource(); err != nil {
			bad(configfile.Join(uat, field), err)
		}
	}
	return errors.Join(errs...)
}

// checkPasswordSource: exactly one of the three ways to give a password,
// and the one given can be read.
func (u DeclaredUser) checkPasswordSource() (field string, err error) {
	given := 0
	for _, v := range []string{u.PasswordFromEnv, u.PasswordFromFile, u.InsecurePassword} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return "", errors.New("give the password with one of passwordFromEnv, passwordFromFile or (written in this file, which is unsafe) insecurePassword")
	}
	_, field, err = u.password()
	return field, err
}

// password is the declared user's password and the key it came from.
func (u DeclaredUser) password() (pw, field string, err error) {
	switch {
	case u.InsecurePassword != "":
		return u.InsecurePassword, "insecurePassword", nil
	case u.PasswordFromEnv != "":
		field = "passwordFromEnv"
	default:
		field = "passwordFromFile"
	}
	pw, err = configfile.ReadSecret(u.PasswordFromEnv, u.PasswordFromFile)
	return pw, field, err
}

func (u DeclaredUser) attributes() []AttributeType {
	out := make([]AttributeType, 0, len(u.Attributes))
	for _, name := range slices.Sorted(maps.Keys(u.Attributes)) {
		out = append(out, AttributeType{Name: name, Value: u.Attributes[name]})
	}
	return out
}

func (g DeclaredGroup) input(poolID string) GroupInput {
	return GroupInput{UserPoolId: poolID, GroupName: g.Name, Description: &g.Description, RoleArn: &g.Role, Precedence: g.Precedence}
}

package userpool

import (
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/configfile"
)

// DeclareNames makes the section's pools and clients referable by name:
// ${userPool:<pool>} is a pool's id, ${userPoolIssuer:<pool>} its tokens'
// issuer (publicURL/<id>), ${userPoolClient:<pool>/<client>} a client's id.
func (s Section) DeclareNames(refs *configfile.References, region, publicURL string) {
	for _, d := range s {
		id := DeclaredPoolID(region, d.Name)
		refs.Declare(configfile.UserPoolRef, d.Name, id)
		refs.Declare(configfile.UserPoolIssuerRef, d.Name, publicURL+"/"+id)
		for _, c := range d.Clients {
			refs.Declare(configfile.UserPoolClientRef, d.Name+"/"+c.Name, DeclaredClientID(id, c.Name))
		}
	}
}

// Resolve replaces the section's references to other sections: a group's
// role, named as in roles: (or ${role:<name>}), becomes its ARN; an ARN
// stays as it is.
func (s Section) Resolve(refs *configfile.References) error {
	var errs []error
	for i := range s {
		for j := range s[i].Groups {
			g := &s[i].Groups[j]
			if g.Role == "" || strings.HasPrefix(g.Role, "arn:") {
				continue
			}
			name, whole := configfile.Whole(g.Role, configfile.RoleRef)
			if !whole {
				name = g.Role
			}
			arn, err := refs.Lookup(configfile.RoleRef, name)
			if err != nil {
				errs = append(errs, configfile.At(configfile.Index(configfile.Index("", i)+".groups", j)+".role", err))
				continue
			}
			g.Role = arn
		}
	}
	return errors.Join(errs...)
}

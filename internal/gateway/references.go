package gateway

import (
	"errors"
	"strings"

	"github.com/moat-dev/moat/internal/configfile"
)

// ResolveReferences replaces, in apis (the config file's apis: at path),
// the references to what other sections declare: a COGNITO_USER_POOLS
// authorizer's userPools entry may be a pool's name in userPools: (or
// ${userPool:<name>}); a JWT issuer written ${userPool:<name>} is that
// pool's token issuer; and ${kind:name} anywhere else is what it stands
// for (${userPoolClient:shop/web} in an audience, ${identityPool:shop}).
// An unknown name is an error naming its key path.
func ResolveReferences(apis []API, refs *configfile.References, path string) error {
	var errs []error
	for i := range apis {
		at := configfile.Index(path, i)
		for j := range apis[i].Authorizers {
			a := &apis[i].Authorizers[j]
			aat := configfile.Index(at+".authorizers", j)
			for k, pool := range a.UserPools {
				// A pool id has an underscore (us-east-1_AbC), an ARN its
				// prefix, a reference its ${: anything else is a name.
				if isName := !strings.ContainsAny(pool, "_$") && !strings.HasPrefix(pool, "arn:"); isName || refs.Has(configfile.UserPoolRef, pool) {
					id, err := refs.Lookup(configfile.UserPoolRef, pool)
					if err != nil {
						errs = append(errs, configfile.At(configfile.Index(aat+".userPools", k), err))
						continue
					}
					a.UserPools[k] = id
				}
			}
			for k := range a.Issuers {
				iss := &a.Issuers[k]
				if name, ok := configfile.Whole(iss.Issuer, configfile.UserPoolRef); ok {
					if _, err := refs.Lookup(configfile.UserPoolRef, name); err != nil {
						errs = append(errs, configfile.At(configfile.Index(aat+".issuers", k)+".issuer", err))
						continue
					}
					iss.Issuer, _ = refs.Lookup(configfile.UserPoolIssuerRef, name)
				}
			}
		}
		if err := refs.ExpandAll(&apis[i], at); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

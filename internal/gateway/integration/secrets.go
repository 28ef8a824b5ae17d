package integration

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/moat-dev/moat/internal/gateway"
)

// secret is an injected value, read once when the route is built. Errors
// name the variable or file, never the value.
type secret struct {
	in    string // header, query or path
	name  string // canonical for headers
	value string
}

func loadSecrets(list []gateway.SecretInjection) ([]secret, error) {
	var out []secret
	for i, s := range list {
		where := fmt.Sprintf("secrets[%d]", i)
		if s.Name == "" {
			return nil, fmt.Errorf("%s: name is empty", where)
		}
		var value string
		switch {
		case s.Value != "":
			value = s.Value
		case s.FromEnv != "" && s.FromFile != "":
			return nil, fmt.Errorf("%s (%s): set fromEnv or fromFile, not both", where, s.Name)
		case s.FromEnv != "":
			v, ok := os.LookupEnv(s.FromEnv)
			if !ok || v == "" {
				return nil, fmt.Errorf("%s (%s): environment variable %s is not set", where, s.Name, s.FromEnv)
			}
			value = v
		case s.FromFile != "":
			b, err := os.ReadFile(s.FromFile)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): cannot read secret file %s", where, s.Name, s.FromFile)
			}
			value = strings.TrimRight(string(b), "\r\n")
		default:
			return nil, fmt.Errorf("%s (%s): set fromEnv or fromFile", where, s.Name)
		}
		name := s.Name
		switch s.In {
		case "header":
			name = http.CanonicalHeaderKey(name)
		case "query", "path":
		default:
			return nil, fmt.Errorf("%s (%s): in %q is not header, query or path", where, s.Name, s.In)
		}
		out = append(out, secret{in: s.In, name: name, value: s.Prefix + value})
	}
	return out, nil
}

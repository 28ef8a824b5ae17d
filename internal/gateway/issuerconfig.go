package gateway

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// anyAudience is the YAML spelling of IssuerConfig.AnyAudience.
const anyAudience = "any"

// UnmarshalYAML reads an issuer strictly, as the rest of the file is read,
// with audience either a list or the word any.
func (c *IssuerConfig) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: an issuer is a mapping (issuer, jwksUri, audience)", n.Line)
	}
	var out IssuerConfig
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		var err error
		switch key.Value {
		case "issuer":
			err = value.Decode(&out.Issuer)
		case "jwksUri":
			err = value.Decode(&out.JWKSURI)
		case "audience":
			if value.Kind == yaml.ScalarNode && value.Value == anyAudience {
				out.AnyAudience = true
				continue
			}
			if value.Kind != yaml.SequenceNode {
				return fmt.Errorf("line %d: audience is a list of audiences or %q", value.Line, anyAudience)
			}
			err = value.Decode(&out.Audience)
		default:
			return fmt.Errorf("line %d: field %s not found in an issuer (issuer, jwksUri, audience)", key.Line, key.Value)
		}
		if err != nil {
			return err
		}
	}
	*c = out
	return nil
}

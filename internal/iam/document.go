package iam

import (
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Document is a policy document in a configuration file, written
// either as a JSON string or as a YAML mapping, which is kept as the
// equivalent JSON.
type Document string

func (p *Document) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*p = Document(n.Value)
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("line %d: a policy must be a JSON string or a YAML mapping with string keys", n.Line)
	}
	*p = Document(b)
	return nil
}

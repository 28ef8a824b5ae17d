package configfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DecodeAPIShape decodes a YAML value written in an AWS API's own JSON
// shape (its members PascalCase, as the API's JSON has them) into into, a
// type with that shape's json tags: the file is read exactly as the API's
// request would be, and a member the shape does not have is refused.
func DecodeAPIShape(n *yaml.Node, into any) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("line %d: keys must be strings: %v", n.Line, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("line %d: %s", n.Line, strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

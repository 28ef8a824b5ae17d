package configfile

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxValues bounds how many values one file may expand to, so aliases
// cannot make a small file decode into an enormous one.
const maxValues = 100_000

// Decode reads the YAML document in data into v, a pointer to a struct
// whose fields are the file's top-level keys; a struct field tagged
// `yaml:",inline"` lends its own fields as keys, so a section with several
// keys is one field. Keys absent from the file leave their fields as they
// are. Every Validator met is validated once its value is decoded.
func Decode(data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file sets nothing
		}
		return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	// yaml.v3 refuses aliases that contain themselves or expand without
	// bound; with aliases about, decoding the whole document once lets it
	// check the file as a whole before the sections see its parts.
	if hasAlias(&doc) {
		var whole any
		if err := doc.Decode(&whole); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	d := &decoder{expanding: map[*yaml.Node]bool{}}
	root := doc.Content[0]
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return &Error{Problem: "the file must be a mapping of keys to values (key: value)"}
	}
	return d.decode(root, reflect.ValueOf(v).Elem(), "")
}

type decoder struct {
	values    int
	expanding map[*yaml.Node]bool // aliases being followed, to refuse one that contains itself
}

var (
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	validatorType       = reflect.TypeFor[Validator]()
)

// decode sets v (addressable) from n, then validates it.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) error {
	if d.values++; d.values > maxValues {
		return &Error{Path: path, Problem: fmt.Sprintf("the file expands to more than %d values (aliases?)", maxValues)}
	}
	if n.Kind == yaml.AliasNode {
		if d.expanding[n] {
			return &Error{Path: path, Problem: fmt.Sprintf("alias *%s contains itself", n.Value)}
		}
		d.expanding[n] = true
		defer delete(d.expanding, n)
		return d.decode(n.Alias, v, path)
	}
	if isNull(n) {
		if k := v.Kind(); k == reflect.Pointer || k == reflect.Map || k == reflect.Slice || k == reflect.Interface {
			v.SetZero()
		}
		return nil // as yaml.v3: null leaves other values as they are
	}
	if err := d.set(n, v, path); err != nil {
		return err
	}
	return validate(v, path)
}

func (d *decoder) set(n *yaml.Node, v reflect.Value, path string) error {
	ptr := reflect.PointerTo(v.Type())
	if ptr.Implements(unmarshalerType) || ptr.Implements(textUnmarshalerType) || v.Kind() == reflect.Interface {
		return decodeError(n.Decode(v.Addr().Interface()), path)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.decode(n, v.Elem(), path)
	case reflect.Struct:
		fields := fieldsOf(v.Type())
		err := d.mapping(n, path, func(key string) (slot, bool) {
			f, ok := fields[key]
			return slot{value: v.FieldByIndex(f)}, ok
		}, func() []string { return keysOf(v.Type()) })
		if err != nil {
			return err
		}
		for _, idx := range inlineFields(v.Type()) {
			if err := validate(v.FieldByIndex(idx), path); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		return d.mapEntries(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &Error{Path: path, Problem: "must be a list, not " + describe(n)}
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.decode(item, s.Index(i), Index(path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &Error{Path: path, Problem: "must be " + kindName(v.Kind()) + ", not " + describe(n)}
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return &Error{Path: path, Problem: fmt.Sprintf("%q is not %s", n.Value, kindName(v.Kind()))}
	}
	return nil
}

// mapping decodes the pairs of the mapping n into the values field gives
// for each key. Explicit keys win over those merged in with <<, as in YAML.
func (d *decoder) mapping(n *yaml.Node, path string, field func(key string) (slot, bool), known func() []string) error {
	n = d.resolve(n)
	if n.Kind != yaml.MappingNode {
		return &Error{Path: path, Problem: "must be a mapping of keys to values, not " + describe(n)}
	}
	set := map[string]int{} // key → line
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, val)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return &Error{Path: path, Problem: fmt.Sprintf("line %d: a key must be a plain word, not %s", k.Line, describe(k))}
		}
		at := Key(path, k.Value)
		if line, dup := set[k.Value]; dup {
			return &Error{Path: at, Problem: fmt.Sprintf("appears twice (lines %d and %d)", line, k.Line)}
		}
		set[k.Value] = k.Line
		f, ok := field(k.Value)
		if !ok {
			return &Error{Path: at, Problem: unknownKey(k.Value, known)}
		}
		if err := d.decode(val, f.value, at); err != nil {
			return err
		}
		if f.done != nil {
			f.done()
		}
	}
	for _, m := range merges {
		if err := d.merge(m, path, set, field, known); err != nil {
			return err
		}
	}
	return nil
}

// merge decodes the mapping (or list of mappings) m merged in with <<,
// skipping keys the mapping sets itself.
func (d *decoder) merge(m *yaml.Node, path string, set map[string]int, field func(string) (slot, bool), known func() []string) error {
	m = d.resolve(m)
	sources := []*yaml.Node{m}
	if m.Kind == yaml.SequenceNode {
		sources = m.Content
	}
	for _, src := range sources {
		src = d.resolve(src)
		if src.Kind != yaml.MappingNode {
			return &Error{Path: path, Problem: "<< must merge a mapping or a list of mappings, not " + describe(src)}
		}
		own := &yaml.Node{Kind: yaml.MappingNode}
		for i := 0; i+1 < len(src.Content); i += 2 {
			if _, explicit := set[src.Content[i].Value]; !explicit {
				own.Content = append(own.Content, src.Content[i], src.Content[i+1])
			}
		}
		if err := d.mapping(own, path, field, known); err != nil {
			return err
		}
	}
	return nil
}

// slot is where one key's value is decoded; done, when set, stores it
// (map values are not addressable, so they are decoded beside the map).
type slot struct {
	value reflect.Value
	done  func()
}

// mapEntries decodes a mapping into the map v; keys are strings, as every
// map in moat's config is keyed.
func (d *decoder) mapEntries(n *yaml.Node, v reflect.Value, path string) error {
	if v.Type().Key().Kind() != reflect.String {
		return decodeError(n.Decode(v.Addr().Interface()), path)
	}
	return d.mapping(n, path, func(key string) (slot, bool) {
		k := reflect.New(v.Type().Key()).Elem()
		k.SetString(key)
		val := reflect.New(v.Type().Elem()).Elem()
		return slot{value: val, done: func() { v.SetMapIndex(k, val) }}, true
	}, nil)
}

func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && !d.expanding[n] {
		n = n.Alias
	}
	return n
}

func hasAlias(n *yaml.Node) bool {
	return n.Kind == yaml.AliasNode || slices.ContainsFunc(n.Content, hasAlias)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// validate runs v's Validate, its errors placed under path.
func validate(v reflect.Value, path string) error {
	var vv Validator
	switch {
	case v.Kind() == reflect.Pointer:
		return nil // its value was validated as it was decoded
	case v.Type().Implements(validatorType):
		vv = v.Interface().(Validator)
	case v.CanAddr() && reflect.PointerTo(v.Type()).Implements(validatorType):
		vv = v.Addr().Interface().(Validator)
	default:
		return nil
	}
	return At(path, vv.Validate())
}

// decodeError turns yaml.v3's message for a value under path into one
// naming the path.
func decodeError(err error, path string) error {
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	return &Error{Path: path, Problem: msg}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + k.String()
}

// unknownKey says a key is not one of known, suggesting the nearest.
func unknownKey(key string, knownKeys func() []string) string {
	known := knownKeys()
	best, dist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown key (did you mean %s?)", best)
	}
	return "unknown key; the keys here are " + strings.Join(known, ", ")
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// fieldsOf maps a struct's YAML keys to its field indexes, inline fields'
// keys included.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "inline") && f.Type.Kind() == reflect.Struct {
			for k, idx := range fieldsOf(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name) // yaml.v3's default
		}
		out[name] = []int{i}
	}
	return out
}

// inlineFields are the indexes of t's inline struct fields, whose own
// Validate runs with t's.
func inlineFields(t reflect.Type) [][]int {
	var out [][]int
	for i := range t.NumField() {
		f := t.Field(i)
		_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && f.Type.Kind() == reflect.Struct && slices.Contains(strings.Split(opts, ","), "inline") {
			out = append(out, []int{i})
			for _, idx := range inlineFields(f.Type) {
				out = append(out, append([]int{i}, idx...))
			}
		}
	}
	return out
}

func keysOf(t reflect.Type) []string {
	var keys []string
	for k := range fieldsOf(t) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

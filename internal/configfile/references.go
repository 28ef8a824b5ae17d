package configfile

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// The kinds of reference a value in the file may hold, ${kind:name}, each
// naming something another section declares: ${userPool:shop} is the id of
// the user pool userPools: names shop. The section owning a kind declares
// its names (References.Declare) before any section resolves.
const (
	UserPoolRef       = "userPool"       // a user pool's id
	UserPoolIssuerRef = "userPoolIssuer" // a user pool's token issuer URL
	UserPoolClientRef = "userPoolClient" // <pool>/<client>: an app client's id
	IdentityPoolRef   = "identityPool"   // an identity pool's id
	RoleRef           = "role"           // an IAM role's ARN
)

// refKinds say, for each kind, where its names are declared.
var refKinds = map[string]string{
	UserPoolRef:       "user pool of userPools:",
	UserPoolIssuerRef: "user pool of userPools:",
	UserPoolClientRef: "app client (<pool>/<client>) of userPools:",
	IdentityPoolRef:   "identity pool of identityPools:",
	RoleRef:           "role of roles:",
}

// References are the names the file declares, by kind, and what each
// stands for.
type References struct {
	values map[string]map[string]string // kind → name → value
}

// NewReferences is an empty table.
func NewReferences() *References {
	return &References{values: map[string]map[string]string{}}
}

// Declare makes ${kind:name} stand for value.
func (r *References) Declare(kind, name, value string) {
	if r.values[kind] == nil {
		r.values[kind] = map[string]string{}
	}
	r.values[kind][name] = value
}

// Has reports whether name is declared under kind.
func (r *References) Has(kind, name string) bool {
	_, ok := r.values[kind][name]
	return ok
}

// Lookup is what ${kind:name} stands for; an error names what is missing.
func (r *References) Lookup(kind, name string) (string, error) {
	v, ok := r.values[kind][name]
	if !ok {
		return "", fmt.Errorf("%s names no %s%s", "${"+kind+":"+name+"}", refKinds[kind], r.suggest(kind, name))
	}
	return v, nil
}

func (r *References) suggest(kind, name string) string {
	names := slices.Sorted(maps.Keys(r.values[kind]))
	if len(names) == 0 {
		return " (none is declared)"
	}
	return " (declared: " + strings.Join(names, ", ") + ")"
}

// Whole returns the name when s is exactly one reference of kind, as
// `issuer: ${userPool:shop}` is.
func Whole(s, kind string) (name string, ok bool) {
	inner, ok := strings.CutPrefix(s, "${"+kind+":")
	if !ok || !strings.HasSuffix(inner, "}") || strings.ContainsAny(inner[:len(inner)-1], "{}") {
		return "", false
	}
	return inner[:len(inner)-1], inner != "}"
}

// Expand replaces every ${kind:name} in s by what it stands for. Text that
// merely looks alike (${stageVariables.x}, $context, a ${word:…} of no
// kind here) is left as it is; a kind misspelt only in case, an empty
// name or a reference left open is an error, so a typo is never kept.
func (r *References) Expand(s string) (string, error) {
	var out strings.Builder
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			out.WriteString(rest)
			return out.String(), nil
		}
		out.WriteString(rest[:i])
		rest = rest[i:]
		kind, isRef, err := referenceKind(rest[2:])
		if err != nil {
			return "", err
		}
		if !isRef {
			out.WriteString("${")
			rest = rest[2:]
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return "", fmt.Errorf("%q is not closed with }", rest)
		}
		name := rest[len("${"+kind+":"):end]
		if name == "" || strings.Contains(name, "${") {
			return "", fmt.Errorf("%q names nothing: write ${%s:<name>}", rest[:end+1], kind)
		}
		v, err := r.Lookup(kind, name)
		if err != nil {
			return "", err
		}
		out.WriteString(v)
		rest = rest[end+1:]
	}
}

// referenceKind reads the kind of what follows "${": isRef when it is one
// of refKinds followed by ":".
func referenceKind(s string) (kind string, isRef bool, err error) {
	word, _, hasColon := strings.Cut(s, ":")
	if !hasColon || word == "" || strings.IndexFunc(word, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) >= 0 {
		return "", false, nil
	}
	if _, ok := refKinds[word]; ok {
		return word, true, nil
	}
	for k := range refKinds {
		if strings.EqualFold(k, word) {
			return "", false, fmt.Errorf("${%s: is no kind of reference (did you mean ${%s:?)", word, k)
		}
	}
	return "", false, nil
}

// ExpandAll expands the references in every string of v (a pointer),
// walking structs by their YAML keys; an error names the key path under
// path. Fields the file cannot set (yaml:"-") are left alone.
func (r *References) ExpandAll(v any, path string) error {
	return r.expandValue(reflect.ValueOf(v).Elem(), path)
}

func (r *References) expandValue(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.String:
		s, err := r.Expand(v.String())
		if err != nil {
			return &Error{Path: path, Problem: err.Error()}
		}
		v.SetString(s)
	case reflect.Pointer:
		if !v.IsNil() {
			return r.expandValue(v.Elem(), path)
		}
	case reflect.Struct:
		fields := fieldsOf(v.Type())
		for _, key := range slices.Sorted(maps.Keys(fields)) {
			if err := r.expandValue(v.FieldByIndex(fields[key]), Key(path, key)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := r.expandValue(v.Index(i), Index(path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		var errs []error
		for _, k := range slices.SortedFunc(slices.Values(v.MapKeys()), func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) }) {
			item := reflect.New(v.Type().Elem()).Elem()
			item.Set(v.MapIndex(k))
			if err := r.expandValue(item, Key(path, k.String())); err != nil {
				errs = append(errs, err)
				continue
			}
			v.SetMapIndex(k, item)
		}
		return errors.Join(errs...)
	}
	return nil
}

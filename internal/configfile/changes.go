package configfile

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Change is one top-level key whose value differs between two readings of
// the file; for a list of named entries, Detail says which names were
// added, changed and removed.
type Change struct {
	Key, Detail string
}

func (c Change) String() string {
	if c.Detail == "" {
		return c.Key
	}
	return c.Key + ": " + c.Detail
}

// Changes says what differs between two readings of the file, old and new
// (pointers to the same struct type), by top-level key. Nothing when they
// are equal.
func Changes(old, new any) []Change {
	o, n := reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem()
	fields := fieldsOf(o.Type())
	var out []Change
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		a, b := o.FieldByIndex(fields[key]), n.FieldByIndex(fields[key])
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			continue
		}
		detail, _ := namedChanges(a, b)
		out = append(out, Change{Key: key, Detail: detail})
	}
	return out
}

// namedChanges compares two lists of entries that each have a name; ok is
// false when the values are not such lists.
func namedChanges(a, b reflect.Value) (string, bool) {
	if a.Kind() != reflect.Slice || a.Type().Elem().Kind() != reflect.Struct {
		return "", false
	}
	nameField, ok := fieldsOf(a.Type().Elem())["name"]
	if !ok || a.Type().Elem().FieldByIndex(nameField).Type.Kind() != reflect.String {
		return "", false
	}
	entries := func(list reflect.Value) map[string]any {
		m := map[string]any{}
		for i := range list.Len() {
			m[list.Index(i).FieldByIndex(nameField).String()] = list.Index(i).Interface()
		}
		return m
	}
	before, after := entries(a), entries(b)
	var added, removed, changed []string
	for name, v := range after {
		old, had := before[name]
		switch {
		case !had:
			added = append(added, name)
		case !reflect.DeepEqual(old, v):
			changed = append(changed, name)
		}
	}
	for name := range before {
		if _, kept := after[name]; !kept {
			removed = append(removed, name)
		}
	}
	var parts []string
	for _, p := range []struct {
		what  string
		names []string
	}{{"added", added}, {"changed", changed}, {"removed", removed}} {
		if len(p.names) > 0 {
			slices.Sort(p.names)
			parts = append(parts, fmt.Sprintf("%s %s", p.what, strings.Join(p.names, ", ")))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "reordered")
	}
	return strings.Join(parts, "; "), true
}

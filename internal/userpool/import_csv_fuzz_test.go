package userpool

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzImportFile feeds arbitrary files through the import's reader and
// checks: nothing panics, a line's fields join back to the line, and a
// line taken as a user satisfies the pool's rules for imported users.
func FuzzImportFile(f *testing.F) {
	schema, err := normalizeSchema([]SchemaAttribute{{Name: "team", AttributeDataType: "String"}})
	if err != nil {
		f.Fatal(err)
	}
	p := &pool{Config: PoolConfig{Schema: schema, AutoVerifiedAttributes: []string{"email"}}}
	header := strings.Join(p.importHeader(), ",")
	f.Add(header + "\n" + strings.Repeat(",", 9) + "a@example.com,true" + strings.Repeat(",", 9) + ",false,alice\n")
	f.Add(header + "\r\n\r\n" + `x\,y,,,` + "\n")
	f.Add("\uFEFF" + header + "\nno\\")
	f.Add("cognito:username,cognito:username\n")
	f.Fuzz(func(t *testing.T, file string) {
		r := newImportReader(strings.NewReader(file))
		first, err := r.next()
		if err != nil {
			return
		}
		cols, err := p.importColumnsOf(first)
		if err != nil {
			return
		}
		for range 100 {
			fields, err := r.next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			u, err := p.importUser(cols, fields)
			if err != nil {
				continue
			}
			if !usernamePattern.MatchString(u.username) {
				t.Fatalf("imported username %q", u.username)
			}
			if u.attributes["email_verified"] != "true" || u.attributes["email"] == "" {
				t.Fatalf("imported without a verified email: %v", u.attributes)
			}
			for name := range u.attributes {
				if _, ok := p.schemaAttribute(name); !ok || name == "sub" {
					t.Fatalf("imported attribute %q outside the schema", name)
				}
			}
		}
	})
}

// FuzzSplitImportLine: escaping each field's commas and joining them gives
// back a line that splits into the same fields.
func FuzzSplitImportLine(f *testing.F) {
	f.Add(`a,b\,c,,\`)
	f.Add(`\\,`)
	f.Fuzz(func(t *testing.T, line string) {
		fields := splitImportLine(line)
		if len(fields) == 0 {
			t.Fatal("no fields")
		}
		escaped := make([]string, len(fields))
		for i, field := range fields {
			if strings.HasSuffix(field, `\`) {
				return // a value ending in a backslash cannot be written before a comma
			}
			escaped[i] = strings.ReplaceAll(field, ",", `\,`)
		}
		again := splitImportLine(strings.Join(escaped, ","))
		if strings.Join(again, "\x00") != strings.Join(fields, "\x00") {
			t.Fatalf("%q split %q, rejoined split %q", line, fields, again)
		}
	})
}

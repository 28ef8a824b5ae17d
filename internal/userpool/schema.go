package userpool

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moat-dev/moat/internal/awserr"
)

// standardAttributes are the OIDC attributes every Cognito pool has, with
// their data types; sub is immutable and set by the service.
var standardAttributes = []struct{ name, dataType string }{
	{"sub", "String"}, {"name", "String"}, {"given_name", "String"}, {"family_name", "String"},
	{"middle_name", "String"}, {"nickname", "String"}, {"preferred_username", "String"},
	{"profile", "String"}, {"picture", "String"}, {"website", "String"}, {"email", "String"},
	{"email_verified", "Boolean"}, {"gender", "String"}, {"birthdate", "String"},
	{"zoneinfo", "String"}, {"locale", "String"}, {"phone_number", "String"},
	{"phone_number_verified", "Boolean"}, {"address", "String"}, {"updated_at", "Number"},
}

func isStandardAttribute(name string) bool {
	for _, a := range standardAttributes {
		if a.name == name {
			return true
		}
	}
	return false
}

func boolPtr(b bool) *bool { return &b }

// normalizeSchema returns the pool's full schema: every standard attribute
// (with the requested required/mutable flags) and each custom attribute under
// its "custom:" name, as DescribeUserPool reports them.
func normalizeSchema(requested []SchemaAttribute) ([]SchemaAttribute, error) {
	byName := map[string]SchemaAttribute{}
	var customs []SchemaAttribute
	for _, a := range requested {
		if a.Name == "" || len(a.Name) > 20 {
			return nil, invalidParameter("1 validation error detected: Value '%s' at 'schema.member.name' failed to satisfy constraint: Member must have length less than or equal to 20", a.Name)
		}
		switch a.AttributeDataType {
		case "", "String", "Number", "DateTime", "Boolean":
		default:
			return nil, invalidParameter("1 validation error detected: Value '%s' at 'schema.member.attributeDataType' failed to satisfy constraint: Member must satisfy enum value set: [Boolean, Number, String, DateTime]", a.AttributeDataType)
		}
		if isStandardAttribute(a.Name) {
			byName[a.Name] = a
			continue
		}
		name := strings.TrimPrefix(a.Name, "custom:")
		if a.Required != nil && *a.Required {
			return nil, invalidParameter("Required custom attributes are not supported currently.")
		}
		a.Name = "custom:" + name
		if a.AttributeDataType == "" {
			a.AttributeDataType = "String"
		}
		if slices.ContainsFunc(customs, func(c SchemaAttribute) bool { return c.Name == a.Name }) {
			return nil, invalidParameter("Existing attribute already has name %s.", a.Name)
		}
		customs = append(customs, a)
	}
	schema := make([]SchemaAttribute, 0, len(standardAttributes)+len(customs))
	for _, std := range standardAttributes {
		a := SchemaAttribute{Name: std.name, AttributeDataType: std.dataType, DeveloperOnlyAttribute: boolPtr(false), Mutable: boolPtr(std.name != "sub"), Required: boolPtr(std.name == "sub")}
		if req, ok := byName[std.name]; ok {
			if req.Mutable != nil {
				a.Mutable = req.Mutable
			}
			if req.Required != nil {
				a.Required = req.Required
			}
		}
		if std.dataType == "String" {
			a.StringAttributeConstraints = &StringAttributeConstraints{MinLength: strPtr("0"), MaxLength: strPtr("2048")}
		}
		schema = append(schema, a)
	}
	return append(schema, customs...), nil
}

func strPtr(s string) *string { return &s }

func (p *pool) schemaAttribute(name string) (SchemaAttribute, bool) {
	for _, a := range p.Config.Schema {
		if a.Name == name {
			return a, true
		}
	}
	return SchemaAttribute{}, false
}

// validateAttributes checks attributes a caller wants to set against the
// schema. creating also enforces required attributes.
func (p *pool) validateAttributes(attrs []AttributeType, creating bool, existing map[string]string) error {
	seen := map[string]bool{}
	for _, a := range attrs {
		def, ok := p.schemaAttribute(a.Name)
		if !ok {
			return invalidParameter("Attribute does not exist in the schema.\n")
		}
		if a.Name == "sub" {
			return invalidParameter("Cannot modify an immutable attribute: sub")
		}
		if !creating && def.Mutable != nil && !*def.Mutable {
			if _, had := existing[a.Name]; had {
				return invalidParameter("Cannot modify an immutable attribute: %s", a.Name)
			}
		}
		if err := checkAttributeValue(def, a.Value); err != nil {
			return err
		}
		seen[a.Name] = true
	}
	if creating {
		for _, def := range p.Config.Schema {
			if def.Required != nil && *def.Required && def.Name != "sub" && !seen[def.Name] && existing[def.Name] == "" {
				return invalidParameter("Attributes did not conform to the schema: %s: The attribute %s is required", def.Name, def.Name)
			}
		}
	}
	return nil
}

func checkAttributeValue(def SchemaAttribute, v string) error {
	invalid := func(why string) error {
		return awserr.New(awserr.InvalidParameter, fmt.Sprintf("Invalid %s attribute value: %s", def.Name, why))
	}
	switch def.AttributeDataType {
	case "Boolean":
		if v != "true" && v != "false" {
			return invalid("must be true or false")
		}
	case "Number":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return invalid("must be a number")
		}
		if c := def.NumberAttributeConstraints; c != nil {
			if c.MinValue != nil {
				if min, err := strconv.ParseFloat(*c.MinValue, 64); err == nil && n < min {
					return invalid("below the minimum " + *c.MinValue)
				}
			}
			if c.MaxValue != nil {
				if max, err := strconv.ParseFloat(*c.MaxValue, 64); err == nil && n > max {
					return invalid("above the maximum " + *c.MaxValue)
				}
			}
		}
	default:
		length := utf8.RuneCountInString(v)
		if c := def.StringAttributeConstraints; c != nil {
			if c.MinLength != nil {
				if min, err := strconv.Atoi(*c.MinLength); err == nil && length < min {
					return invalid("shorter than " + *c.MinLength + " characters")
				}
			}
			if c.MaxLength != nil {
				if max, err := strconv.Atoi(*c.MaxLength); err == nil && length > max {
					return invalid("longer than " + *c.MaxLength + " characters")
				}
			}
		}
	}
	if def.Name == "email" && v != "" && !strings.Contains(v, "@") {
		return awserr.New(awserr.InvalidParameter, "Invalid email address format.")
	}
	return nil
}

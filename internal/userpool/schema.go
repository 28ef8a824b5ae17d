package userpool

import (
	"cmp"
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
// (with the requested flags and constraints) and each custom attribute under
// its "custom:" (or, developer-only, "dev:custom:") name, as DescribeUserPool
// reports them. Its refusals are AWS's.
func normalizeSchema(requested []SchemaAttribute) ([]SchemaAttribute, error) {
	byName := map[string]SchemaAttribute{}
	for _, a := range requested {
		if isStandardAttribute(a.Name) {
			if err := checkSchemaEntry(a); err != nil {
				return nil, err
			}
			byName[a.Name] = a
		}
	}
	schema := make([]SchemaAttribute, 0, len(standardAttributes)+len(requested))
	for _, std := range standardAttributes {
		a := SchemaAttribute{Name: std.name, AttributeDataType: std.dataType, DeveloperOnlyAttribute: boolPtr(false), Mutable: boolPtr(std.name != "sub"), Required: boolPtr(std.name == "sub")}
		if std.dataType == "String" {
			a.StringAttributeConstraints = &StringAttributeConstraints{MinLength: strPtr("0"), MaxLength: strPtr("2048")}
		}
		if req, ok := byName[std.name]; ok {
			if req.AttributeDataType != "" && req.AttributeDataType != std.dataType || (req.DeveloperOnlyAttribute != nil && *req.DeveloperOnlyAttribute) {
				return nil, invalidParameter("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", std.name)
			}
			a.Mutable = cmp.Or(req.Mutable, a.Mutable)
			a.Required = cmp.Or(req.Required, a.Required)
			req.Name, req.AttributeDataType = std.name, std.dataType
			if err := checkConstraints(req); err != nil {
				return nil, err
			}
			if req.StringAttributeConstraints != nil {
				a.StringAttributeConstraints = req.StringAttributeConstraints
			}
		}
		schema = append(schema, a)
	}
	var customs []SchemaAttribute
	for _, a := range requested {
		if isStandardAttribute(a.Name) {
			continue
		}
		c, err := customAttribute(a)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(customs, func(o SchemaAttribute) bool { return o.Name == c.Name }) {
			return nil, invalidParameter("%s: Existing attribute already has name %s.", strings.TrimPrefix(c.Name, "dev:"), c.Name)
		}
		customs = append(customs, c)
	}
	return append(schema, customs...), nil
}

// checkSchemaEntry checks what the model constrains: the name's length and
// the data type's enum.
func checkSchemaEntry(a SchemaAttribute) error {
	if a.Name == "" || len(a.Name) > 20 && !isStandardAttribute(a.Name) {
		return invalidParameter("1 validation error detected: Value '%s' at 'schema.member.name' failed to satisfy constraint: Member must have length less than or equal to 20", a.Name)
	}
	switch a.AttributeDataType {
	case "", "String", "Number", "DateTime", "Boolean":
		return nil
	}
	return invalidParameter("1 validation error detected: Value '%s' at 'schema.member.attributeDataType' failed to satisfy constraint: Member must satisfy enum value set: [Boolean, Number, String, DateTime]", a.AttributeDataType)
}

// customAttribute is a requested custom attribute as the pool keeps it.
func customAttribute(a SchemaAttribute) (SchemaAttribute, error) {
	a.Name = strings.TrimPrefix(strings.TrimPrefix(a.Name, "dev:"), "custom:")
	if err := checkSchemaEntry(a); err != nil {
		return a, err
	}
	if a.AttributeDataType == "" {
		return a, invalidParameter("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if a.Required != nil && *a.Required {
		return a, invalidParameter("Required custom attributes are not supported currently.")
	}
	a.Name = "custom:" + a.Name
	if a.DeveloperOnlyAttribute != nil && *a.DeveloperOnlyAttribute {
		a.Name = "dev:" + a.Name
	} else {
		a.DeveloperOnlyAttribute = boolPtr(false)
	}
	a.Mutable = cmp.Or(a.Mutable, boolPtr(true))
	a.Required = boolPtr(false)
	return a, checkConstraints(a)
}

// checkConstraints checks an attribute's String or Number constraints with
// AWS's messages; each kind belongs to its data type only.
func checkConstraints(a SchemaAttribute) error {
	if a.NumberAttributeConstraints != nil && a.AttributeDataType != "Number" {
		return invalidParameter("%s: NumberAttributeConstraints apply to Number attributes only; this attribute is %s.", a.Name, a.AttributeDataType)
	}
	if a.StringAttributeConstraints != nil && a.AttributeDataType != "String" {
		return invalidParameter("%s: StringAttributeConstraints apply to String attributes only; this attribute is %s.", a.Name, a.AttributeDataType)
	}
	limit := func(v *string, kind string) (int64, bool, error) {
		if v == nil || *v == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(*v, 10, 64)
		if err != nil || n < 0 {
			return 0, false, invalidParameter("Invalid %s for schema attribute %s", kind, a.Name)
		}
		return n, true, nil
	}
	if c := a.StringAttributeConstraints; c != nil {
		minLen, hasMin, err := limit(c.MinLength, "StringAttributeConstraints")
		if err != nil {
			return err
		}
		maxLen, hasMax, err := limit(c.MaxLength, "StringAttributeConstraints")
		if err != nil {
			return err
		}
		if minLen > 2048 || maxLen > 2048 {
			return invalidParameter("user.%s: String attributes cannot have a length of more than 2048", a.Name)
		}
		if hasMin && hasMax && minLen > maxLen {
			return invalidParameter("user.%s: Max length cannot be less than min length.", a.Name)
		}
	}
	if c := a.NumberAttributeConstraints; c != nil {
		minVal, hasMin, err := limit(c.MinValue, "NumberAttributeConstraints")
		if err != nil {
			return err
		}
		maxVal, hasMax, err := limit(c.MaxValue, "NumberAttributeConstraints")
		if err != nil {
			return err
		}
		if hasMin && hasMax && minVal > maxVal {
			return invalidParameter("user.%s: Max value cannot be less than min value.", a.Name)
		}
	}
	return nil
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
// schema, and writes Boolean values as true or false (AWS accepts them in
// any case). creating also enforces required attributes.
func (p *pool) validateAttributes(attrs []AttributeType, creating bool, existing map[string]string) error {
	seen := map[string]bool{}
	for i, a := range attrs {
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
		if def.AttributeDataType == "Boolean" {
			attrs[i].Value = strings.ToLower(a.Value)
		}
		if err := checkAttributeValue(def, attrs[i].Value); err != nil {
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

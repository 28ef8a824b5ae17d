package oauth

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
)

// requiredAttributes reads the requiredAttributes[<name>] fields of a form,
// as Cognito's hosted pages name them.
func requiredAttributes(form url.Values) map[string]string {
	attrs := map[string]string{}
	for key, values := range form {
		name, ok := strings.CutPrefix(key, "requiredAttributes[")
		if !ok || !strings.HasSuffix(name, "]") || len(values) == 0 {
			continue
		}
		attrs[strings.TrimSuffix(name, "]")] = strings.TrimSpace(values[0])
	}
	return attrs
}

// fieldFor is the input a standard or custom attribute is asked with.
func fieldFor(name, value string) attributeField {
	f := attributeField{Name: name, Label: attributeLabels[name], Type: "text", Autocomplete: "off", Value: value}
	if f.Label == "" {
		f.Label = strings.ReplaceAll(strings.TrimPrefix(name, "custom:"), "_", " ")
		f.Label = strings.ToUpper(f.Label[:1]) + f.Label[1:]
	}
	switch name {
	case "email":
		f.Type, f.Autocomplete = "email", "email"
	case "phone_number":
		f.Type, f.Autocomplete = "tel", "tel"
	case "birthdate":
		f.Type, f.Autocomplete = "date", "bday"
	case "given_name", "family_name", "name", "middle_name", "nickname":
		f.Autocomplete = map[string]string{"given_name": "given-name", "family_name": "family-name", "name": "name",
			"middle_name": "additional-name", "nickname": "nickname"}[name]
	}
	return f
}

var attributeLabels = map[string]string{
	"email": "Email", "phone_number": "Phone number", "given_name": "Given name", "family_name": "Family name",
	"name": "Name", "middle_name": "Middle name", "nickname": "Nickname", "preferred_username": "Preferred username",
	"birthdate": "Birthdate", "gender": "Gender", "address": "Address", "locale": "Locale", "picture": "Picture",
	"profile": "Profile", "website": "Website", "zoneinfo": "Time zone", "updated_at": "Updated at",
}

// policyLines is the pool's password policy as the pages list it.
func policyLines(pp userpool.PasswordPolicy) []string {
	lines := []string{fmt.Sprintf("At least %d characters", pp.MinimumLength)}
	for _, rule := range []struct {
		on   bool
		text string
	}{
		{pp.RequireNumbers, "At least 1 number"},
		{pp.RequireSymbols, "At least 1 special character"},
		{pp.RequireUppercase, "At least 1 uppercase letter"},
		{pp.RequireLowercase, "At least 1 lowercase letter"},
	} {
		if rule.on {
			lines = append(lines, rule.text)
		}
	}
	return lines
}

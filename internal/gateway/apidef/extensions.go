package apidef

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// How each API Gateway extension not translated into the API model is
// treated. Extensions that change who may call what (request validation,
// shared integrations) are errors: ignoring them would serve an API more
// openly than on AWS. Extensions about encoding,
// documentation or endpoints only are warnings. Any other
// x-amazon-apigateway-* key is an error, so nothing is silently dropped.
var ignoredExtensions = map[string]bool{
	"x-amazon-apigateway-minimum-compression-size": true,
	"x-amazon-apigateway-documentation":            true,
	"x-amazon-apigateway-endpoint-configuration":   true,
	"x-amazon-apigateway-tag-value":                true,
}

// silentExtensions are metadata with nothing to do or say.
var silentExtensions = map[string]bool{
	"x-amazon-apigateway-importexport-version": true,
	"x-amazon-apigateway-authtype":             true, // restates the authorizer type
}

// report gathers load problems so one run names them all.
type report struct {
	problems []string
	warnings []string
}

func (r *report) fail(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *report) extensions(where string, extra map[string]any) {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.extension(where, k)
	}
}

func (r *report) extension(where, key string) {
	switch {
	case !strings.HasPrefix(key, "x-amazon-apigateway-"), silentExtensions[key]:
	case ignoredExtensions[key]:
		r.warnings = append(r.warnings, fmt.Sprintf("%s: %s has no effect in moat; ignored", where, key))
	default:
		r.fail("%s: %s is not supported", where, key)
	}
}

func (r *report) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(r.problems, "; "))
}

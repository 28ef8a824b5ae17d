package waf

import "strings"

// compileField checks that f names exactly one request component moat can
// inspect and compiles it.
func compileField(f *FieldToMatch) (field, error) {
	if f == nil {
		return field{}, invalid("FIELD_TO_MATCH", "", "FieldToMatch is required")
	}
	var (
		out   field
		named []string
		err   error
	)
	set := func(name string, p part) {
		named = append(named, name)
		out.part = p
	}
	if f.SingleHeader != nil {
		set("SingleHeader", partSingleHeader)
		out.name, err = fieldName("SINGLE_HEADER", f.SingleHeader.Name)
	}
	if f.SingleQueryArgument != nil {
		set("SingleQueryArgument", partSingleQueryArgument)
		out.name, err = fieldName("SINGLE_QUERY_ARGUMENT", f.SingleQueryArgument.Name)
	}
	if f.AllQueryArguments != nil {
		set("AllQueryArguments", partAllQueryArguments)
	}
	if f.UriPath != nil {
		set("UriPath", partURIPath)
	}
	if f.QueryString != nil {
		set("QueryString", partQueryString)
	}
	if f.Method != nil {
		set("Method", partMethod)
	}
	if f.Body != nil {
		set("Body", partBody)
		out.oversize, err = oversizeHandling(f.Body.OversizeHandling, true)
	}
	if f.Headers != nil {
		set("Headers", partHeaders)
		err = out.compileMap(f.Headers.MatchPattern == nil, f.Headers.MatchScope, f.Headers.OversizeHandling, "HEADER_MATCH_PATTERN")
		if err == nil {
			p := f.Headers.MatchPattern
			err = out.compilePattern(p.All != nil, p.IncludedHeaders, p.ExcludedHeaders, "HEADER_MATCH_PATTERN", "IncludedHeaders", "ExcludedHeaders", strings.ToLower)
		}
	}
	if f.Cookies != nil {
		set("Cookies", partCookies)
		err = out.compileMap(f.Cookies.MatchPattern == nil, f.Cookies.MatchScope, f.Cookies.OversizeHandling, "COOKIE_MATCH_PATTERN")
		if err == nil {
			p := f.Cookies.MatchPattern
			err = out.compilePattern(p.All != nil, p.IncludedCookies, p.ExcludedCookies, "COOKIE_MATCH_PATTERN", "IncludedCookies", "ExcludedCookies", func(s string) string { return s })
		}
	}
	for _, u := range []struct {
		name string
		set  bool
		why  string
	}{
		{"JsonBody", f.JsonBody != nil, "inspect Body instead"},
		{"HeaderOrder", f.HeaderOrder != nil, "inspect Headers instead"},
		{"JA3Fingerprint", f.JA3Fingerprint != nil, "moat does not see TLS client hellos"},
		{"JA4Fingerprint", f.JA4Fingerprint != nil, "moat does not see TLS client hellos"},
		{"UriFragment", f.UriFragment != nil, "clients never send fragments to servers"},
	} {
		if u.set {
			return field{}, invalid("FIELD_TO_MATCH", u.name, "moat does not support FieldToMatch %s: %s", u.name, u.why)
		}
	}
	switch {
	case len(named) == 0:
		return field{}, invalid("FIELD_TO_MATCH", "", "FieldToMatch must name one request component (UriPath, QueryString, SingleHeader, …)")
	case len(named) > 1:
		return field{}, invalid("FIELD_TO_MATCH", strings.Join(named, ", "), "FieldToMatch must name exactly one request component")
	}
	return out, err
}

// fieldName checks a SingleHeader or SingleQueryArgument name (1–64
// characters); both are compared without regard to case.
func fieldName(fieldType, name string) (string, error) {
	if strings.TrimSpace(name) == "" || len(name) > 64 {
		return "", invalid(fieldType, name, "Name must be 1 to 64 characters")
	}
	return strings.ToLower(name), nil
}

var (
	matchScopes       = map[string]scope{"ALL": scopeAll, "KEY": scopeKey, "VALUE": scopeValue}
	oversizeHandlings = map[string]oversize{"CONTINUE": oversizeContinue, "MATCH": oversizeMatch, "NO_MATCH": oversizeNoMatch}
)

// oversizeHandling reads OversizeHandling; optional ones default to CONTINUE.
func oversizeHandling(s string, optional bool) (oversize, error) {
	if o, ok := oversizeHandlings[s]; ok {
		return o, nil
	}
	if s == "" && optional {
		return oversizeContinue, nil
	}
	return 0, invalid("OVERSIZE_HANDLING", s, "OversizeHandling must be CONTINUE, MATCH or NO_MATCH")
}

func (f *field) compileMap(noPattern bool, matchScope, handling, patternField string) error {
	if noPattern {
		return invalid(patternField, "", "MatchPattern is required")
	}
	sc, ok := matchScopes[matchScope]
	if !ok {
		return invalid("MAP_MATCH_SCOPE", matchScope, "MatchScope must be ALL, KEY or VALUE")
	}
	f.scope = sc
	var err error
	f.oversize, err = oversizeHandling(handling, false)
	return err
}

// compilePattern reads a MatchPattern: exactly one of All, an include list
// or an exclude list (each 1–199 names).
func (f *field) compilePattern(all bool, included, excluded []string, patternField, includedName, excludedName string, norm func(string) string) error {
	chosen := 0
	for _, b := range []bool{all, included != nil, excluded != nil} {
		if b {
			chosen++
		}
	}
	if chosen != 1 {
		return invalid(patternField, "", "MatchPattern must set exactly one of All, %s, %s", includedName, excludedName)
	}
	for _, l := range []struct {
		name  string
		names []string
		into  *[]string
	}{{includedName, included, &f.included}, {excludedName, excluded, &f.excluded}} {
		if l.names == nil {
			continue
		}
		if len(l.names) == 0 || len(l.names) > 199 {
			return invalid(patternField, l.name, "%s must list 1 to 199 names", l.name)
		}
		for _, n := range l.names {
			if n == "" || len(n) > 64 {
				return invalid(patternField, n, "names in %s must be 1 to 64 characters", l.name)
			}
			*l.into = append(*l.into, norm(n))
		}
	}
	return nil
}

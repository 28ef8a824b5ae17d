package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ParsePolicy parses, validates and compiles a JSON policy document. Element
// names are case-sensitive and unknown elements are rejected, as IAM does;
// errors are *PolicyError naming the statement and element at fault.
func ParsePolicy(doc []byte) (*Policy, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil || top == nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, docError("", fmt.Sprintf("Syntax errors in policy: invalid JSON at offset %d", syntax.Offset))
		}
		return nil, docError("", "Syntax errors in policy: the document must be a JSON object")
	}
	for name := range top {
		if name != "Version" && name != "Id" && name != "Statement" {
			return nil, docError(name, "unknown policy element")
		}
	}
	p := &Policy{}
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &p.Version); err != nil || (p.Version != Version2012 && p.Version != Version2008) {
			return nil, docError("Version", `must be "2012-10-17" or "2008-10-17"`)
		}
	}
	if raw, ok := top["Id"]; ok {
		if err := json.Unmarshal(raw, &p.ID); err != nil {
			return nil, docError("Id", "must be a string")
		}
	}
	raws, err := statementList(top["Statement"])
	if err != nil {
		return nil, err
	}
	withVars := p.Version == Version2012
	sids := map[string]bool{}
	for i, raw := range raws {
		s, err := parseStatement(i, raw, withVars)
		if err != nil {
			return nil, err
		}
		if s.Sid != "" {
			if sids[s.Sid] {
				return nil, &PolicyError{Statement: i, Sid: s.Sid, Element: "Sid", Message: "Statement IDs (SID) in a single policy must be unique"}
			}
			sids[s.Sid] = true
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

func docError(element, msg string) *PolicyError {
	return &PolicyError{Statement: -1, Element: element, Message: msg}
}

// statementList reads Statement, which is one object or an array of them.
func statementList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, docError("Statement", "Missing required field Statement")
	}
	if raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, docError("Statement", "must be an object or an array of objects")
	}
	return list, nil
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// statementParser parses one statement and builds errors that say where.
type statementParser struct {
	index    int
	sid      string
	withVars bool
}

func (sp *statementParser) errorf(element, format string, args ...any) *PolicyError {
	return &PolicyError{Statement: sp.index, Sid: sp.sid, Element: element, Message: fmt.Sprintf(format, args...)}
}

func parseStatement(index int, raw json.RawMessage, withVars bool) (Statement, error) {
	sp := &statementParser{index: index, withVars: withVars}
	var s Statement
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return s, sp.errorf("", "a statement must be a JSON object")
	}
	if raw, ok := fields["Sid"]; ok {
		if err := json.Unmarshal(raw, &s.Sid); err != nil {
			return s, sp.errorf("Sid", "must be a string")
		}
		sp.sid = s.Sid
	}
	for name := range fields {
		if !slices.Contains(statementElements, name) {
			return s, sp.errorf(name, "unknown statement element")
		}
	}
	var effect string
	if err := json.Unmarshal(fields["Effect"], &effect); err != nil || (effect != string(EffectAllow) && effect != string(EffectDeny)) {
		return s, sp.errorf("Effect", `must be "Allow" or "Deny"`)
	}
	s.Effect = Effect(effect)
	if err := sp.principals(&s, fields); err != nil {
		return s, err
	}
	if err := sp.actions(&s, fields); err != nil {
		return s, err
	}
	if err := sp.resources(&s, fields); err != nil {
		return s, err
	}
	if raw, ok := fields["Condition"]; ok {
		conds, err := sp.conditions(raw)
		if err != nil {
			return s, err
		}
		s.conditions = conds
	}
	s.collectVariables()
	return s, nil
}

// exactlyOne returns which of two mutually exclusive elements is present.
func (sp *statementParser) exactlyOne(fields map[string]json.RawMessage, a, b string, required bool) (string, error) {
	_, hasA := fields[a]
	_, hasB := fields[b]
	switch {
	case hasA && hasB:
		return "", sp.errorf(a, "a statement cannot have both %s and %s", a, b)
	case hasA:
		return a, nil
	case hasB:
		return b, nil
	case required:
		return "", sp.errorf(a, "Missing required field %s (or %s)", a, b)
	}
	return "", nil
}

func (sp *statementParser) actions(s *Statement, fields map[string]json.RawMessage) error {
	name, err := sp.exactlyOne(fields, "Action", "NotAction", true)
	if err != nil {
		return err
	}
	values, err := sp.stringList(name, fields[name])
	if err != nil {
		return err
	}
	for _, v := range values {
		if prefix, _, ok := strings.Cut(v, ":"); v != "*" && (!ok || prefix == "") {
			return sp.errorf(name, "%q: Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", v)
		}
		// Actions are case-insensitive and take no variables
		// ("IAM JSON policy elements: Action").
		s.action = append(s.action, compileGlob(tokenize(v, false, true), true))
	}
	s.notAction = name == "NotAction"
	return nil
}

func (sp *statementParser) resources(s *Statement, fields map[string]json.RawMessage) error {
	// Role trust policies name a Principal and no Resource; every other
	// statement needs exactly one of Resource and NotResource.
	required := s.principal == nil && s.notPrincipal == nil
	name, err := sp.exactlyOne(fields, "Resource", "NotResource", required)
	if err != nil {
		return err
	}
	if name == "" {
		s.anyResource = true
		return nil
	}
	values, err := sp.stringList(name, fields[name])
	if err != nil {
		return err
	}
	for _, v := range values {
		if v != "*" && !strings.HasPrefix(v, "arn:") {
			return sp.errorf(name, `Resource %s must be in ARN format or "*".`, v)
		}
		s.resource = append(s.resource, compileARN(v, sp.withVars))
	}
	s.notResource = name == "NotResource"
	return nil
}

func (sp *statementParser) principals(s *Statement, fields map[string]json.RawMessage) error {
	name, err := sp.exactlyOne(fields, "Principal", "NotPrincipal", false)
	if err != nil || name == "" {
		return err
	}
	p, err := sp.principal(name, fields[name])
	if err != nil {
		return err
	}
	if name == "Principal" {
		s.principal = p
	} else {
		s.notPrincipal = p
	}
	return nil
}

// principal reads "*" or an object of AWS, Federated and Service lists
// ("IAM JSON policy elements: Principal").
func (sp *statementParser) principal(name string, raw json.RawMessage) (*principals, error) {
	p := &principals{}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, sp.errorf(name, `Invalid principal in policy: a string Principal must be "*"`)
		}
		p.everyone = true
		return p, nil
	}
	var byType map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byType); err != nil || len(byType) == 0 {
		return nil, sp.errorf(name, `Invalid principal in policy: must be "*" or an object such as {"AWS": …}`)
	}
	for _, typ := range slices.Sorted(maps.Keys(byType)) {
		if !slices.Contains(principalTypes, typ) {
			return nil, sp.errorf(name, "Invalid principal in policy: unsupported principal type %q", typ)
		}
		values, err := sp.stringList(name+"."+typ, byType[typ])
		if err != nil {
			return nil, err
		}
		for _, v := range values {
			var ok bool
			switch typ {
			case "AWS":
				ok = p.addAWS(v)
			case "Federated":
				ok = addNamed(&p.federated, v)
			default:
				ok = addNamed(&p.services, v)
			}
			if !ok {
				return nil, sp.errorf(name+"."+typ, "Invalid principal in policy: %q", v)
			}
		}
	}
	return p, nil
}

// conditions reads {"Operator": {"key": value or [values]}}.
func (sp *statementParser) conditions(raw json.RawMessage) ([]condition, error) {
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil || block == nil {
		return nil, sp.errorf("Condition", `must be an object such as {"StringEquals": {"aws:username": "alice"}}`)
	}
	var out []condition
	for _, opName := range slices.Sorted(maps.Keys(block)) {
		op, err := parseOperator(opName)
		if err != nil {
			return nil, sp.errorf("Condition", "%v", err)
		}
		keys := block[opName]
		if len(keys) == 0 {
			return nil, sp.errorf("Condition", "operator %s has no condition keys", opName)
		}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			if prefix, _, ok := strings.Cut(key, ":"); !ok || prefix == "" {
				return nil, sp.errorf("Condition", "%s key %q: Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", opName, key)
			}
			values, err := conditionValues(keys[key])
			if err != nil {
				return nil, sp.errorf("Condition", "%s key %q: %v", opName, key, err)
			}
			c, err := compileCondition(op, key, values, sp.withVars)
			if err != nil {
				return nil, sp.errorf("Condition", "%s %v", opName, err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// stringList reads an element that is a string or a non-empty array of them.
func (sp *statementParser) stringList(element string, raw json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, sp.errorf(element, "must be a string or a non-empty array of strings")
	}
	return list, nil
}

// conditionValues reads a condition value: a string, number or boolean, or
// a non-empty array of them. Numbers and booleans keep their JSON spelling.
func conditionValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("malformed value")
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("values must not be an empty array")
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		switch x := item.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, fmt.Errorf("values must be strings, numbers or booleans")
		}
	}
	return out, nil
}

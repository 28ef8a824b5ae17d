package iam

import (
	"fmt"
	"strings"
)

// baseOp is a condition operator without its negation, IfExists suffix or
// set qualifier ("IAM JSON policy elements: Condition operators").
type baseOp uint8

const (
	opStringEquals baseOp = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike behave identically
	opNull
)

type operatorName struct {
	op      baseOp
	negated bool
}

// operators maps each documented operator name, lowercased, to its meaning.
var operators = map[string]operatorName{
	"stringequals":              {opStringEquals, false},
	"stringnotequals":           {opStringEquals, true},
	"stringequalsignorecase":    {opStringEqualsIgnoreCase, false},
	"stringnotequalsignorecase": {opStringEqualsIgnoreCase, true},
	"stringlike":                {opStringLike, false},
	"stringnotlike":             {opStringLike, true},
	"numericequals":             {opNumericEquals, false},
	"numericnotequals":          {opNumericEquals, true},
	"numericlessthan":           {opNumericLessThan, false},
	"numericlessthanequals":     {opNumericLessThanEquals, false},
	"numericgreaterthan":        {opNumericGreaterThan, false},
	"numericgreaterthanequals":  {opNumericGreaterThanEquals, false},
	"dateequals":                {opDateEquals, false},
	"datenotequals":             {opDateEquals, true},
	"datelessthan":              {opDateLessThan, false},
	"datelessthanequals":        {opDateLessThanEquals, false},
	"dategreaterthan":           {opDateGreaterThan, false},
	"dategreaterthanequals":     {opDateGreaterThanEquals, false},
	"bool":                      {opBool, false},
	"binaryequals":              {opBinaryEquals, false},
	"ipaddress":                 {opIPAddress, false},
	"notipaddress":              {opIPAddress, true},
	"arnequals":                 {opArnLike, false},
	"arnlike":                   {opArnLike, false},
	"arnnotequals":              {opArnLike, true},
	"arnnotlike":                {opArnLike, true},
	"null":                      {opNull, false},
}

// setOp is the ForAnyValue:/ForAllValues: qualifier for multivalued keys.
type setOp uint8

const (
	setNone setOp = iota
	setAnyValue
	setAllValues
)

// operator is a fully parsed condition operator such as
// "ForAllValues:StringNotLikeIfExists".
type operator struct {
	operatorName
	set      setOp
	ifExists bool
}

// parseOperator reads an operator name. Names are matched without regard to
// case; an unknown name is an error, never a condition that silently fails.
func parseOperator(name string) (operator, error) {
	var o operator
	rest := strings.ToLower(name)
	if q, after, ok := strings.Cut(rest, ":"); ok {
		switch q {
		case "foranyvalue":
			o.set = setAnyValue
		case "forallvalues":
			o.set = setAllValues
		default:
			return o, fmt.Errorf("unknown condition operator %q (the only qualifiers are ForAnyValue: and ForAllValues:)", name)
		}
		rest = after
	}
	if base, ok := strings.CutSuffix(rest, "ifexists"); ok {
		o.ifExists, rest = true, base
	}
	op, ok := operators[rest]
	if !ok {
		return o, fmt.Errorf("unknown condition operator %q", name)
	}
	if op.op == opNull && o.ifExists {
		return o, fmt.Errorf("condition operator %q: IfExists cannot be added to Null", name)
	}
	o.operatorName = op
	return o, nil
}

// takesVariables reports whether the operator's values may hold policy
// variables: string, ARN and Bool operators do; Numeric, Date, Binary, IP
// address and Null do not ("Condition operators", each operator's section).
func (op baseOp) takesVariables() bool {
	switch op {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnLike, opBool:
		return true
	}
	return false
}

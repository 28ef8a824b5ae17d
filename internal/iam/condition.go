package iam

import (
	"bytes"
	"cmp"
	"fmt"
	"net/netip"
	"time"
)

// condition is one operator applied to one key, with its policy values
// compiled for the operator's type.
type condition struct {
	operator
	key contextKey

	strings  []glob // string operators, and Bool values holding variables
	arns     []arnPattern
	numbers  []float64
	dates    []time.Time
	networks []netip.Prefix
	bools    []bool // Bool, and Null (true: the key must be absent)
	binaries [][]byte
}

func compileCondition(op operator, key string, values []string, withVars bool) (condition, error) {
	c := condition{operator: op, key: newContextKey(key)}
	withVars = withVars && op.op.takesVariables()
	for _, v := range values {
		ok := true
		switch op.op {
		case opStringEquals:
			c.strings = append(c.strings, compileGlob(tokenize(v, withVars, false), false))
		case opStringEqualsIgnoreCase:
			c.strings = append(c.strings, compileGlob(tokenize(v, withVars, false), true))
		case opStringLike:
			c.strings = append(c.strings, compileGlob(tokenize(v, withVars, true), false))
		case opArnLike:
			c.arns = append(c.arns, compileARN(v, withVars))
		case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
			var n float64
			n, ok = parseNumber(v)
			c.numbers = append(c.numbers, n)
		case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
			var t time.Time
			t, ok = parseDate(v)
			c.dates = append(c.dates, t)
		case opBool:
			if toks := tokenize(v, withVars, false); hasVariable(toks) {
				// Compared once resolved, like StringEqualsIgnoreCase.
				c.strings = append(c.strings, compileGlob(toks, true))
				break
			}
			var b bool
			b, ok = parseBool(v)
			c.bools = append(c.bools, b)
		case opNull:
			var b bool
			b, ok = parseBool(v)
			c.bools = append(c.bools, b)
		case opIPAddress:
			var p netip.Prefix
			p, ok = parseNetwork(v)
			c.networks = append(c.networks, p)
		case opBinaryEquals:
			var b []byte
			b, ok = parseBinary(v)
			c.binaries = append(c.binaries, b)
		}
		if !ok {
			return c, fmt.Errorf("key %q: %q is not a valid value for this operator", key, v)
		}
	}
	return c, nil
}

// holds evaluates the condition against the request context.
//
// "Condition operators": a key absent from the request makes a condition
// false, except that negated operators (StringNotEquals, NotIpAddress, …)
// are then true and …IfExists makes any operator true. Several policy values
// for one key are ORed, so a negated operator is true only when no value
// matches. "Creating a condition with multiple context keys or values":
// ForAnyValue needs one request value to match and is false for an empty
// set; ForAllValues needs every request value to match and is true for an
// empty set (an empty string counts as empty).
func (c *condition) holds(ctx Context) bool {
	vals := ctx.lookup(c.key)
	if c.op == opNull {
		present := len(vals) > 0
		for _, wantAbsent := range c.bools {
			if wantAbsent != present {
				return true
			}
		}
		return false
	}
	switch c.set {
	case setAnyValue:
		if isEmptySet(vals) {
			return c.ifExists
		}
		for _, v := range vals {
			if c.matchValue(v, ctx) != c.negated {
				return true
			}
		}
		return false
	case setAllValues:
		if isEmptySet(vals) {
			return true
		}
		for _, v := range vals {
			if c.matchValue(v, ctx) == c.negated {
				return false
			}
		}
		return true
	}
	if len(vals) == 0 {
		return c.ifExists || c.negated
	}
	for _, v := range vals {
		if c.matchValue(v, ctx) {
			return !c.negated
		}
	}
	return c.negated
}

func isEmptySet(vals []string) bool {
	return len(vals) == 0 || (len(vals) == 1 && vals[0] == "")
}

// matchValue reports whether one request value matches any policy value
// under the un-negated operator.
func (c *condition) matchValue(v string, ctx Context) bool {
	switch c.op {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike:
		for i := range c.strings {
			if c.strings[i].match(v, ctx) {
				return true
			}
		}
	case opArnLike:
		for i := range c.arns {
			if c.arns[i].match(v, ctx) {
				return true
			}
		}
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, ok := parseNumber(v)
		if !ok {
			return false
		}
		for _, want := range c.numbers {
			if compare(c.op-opNumericEquals, cmp.Compare(n, want)) {
				return true
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, want := range c.dates {
			if compare(c.op-opDateEquals, t.Compare(want)) {
				return true
			}
		}
	case opBool:
		b, ok := parseBool(v)
		if !ok {
			return false
		}
		for _, want := range c.bools {
			if b == want {
				return true
			}
		}
		for i := range c.strings {
			if c.strings[i].match(v, ctx) {
				return true
			}
		}
	case opIPAddress:
		a, ok := parseAddr(v)
		if !ok {
			return false
		}
		for _, n := range c.networks {
			if n.Contains(a) {
				return true
			}
		}
	case opBinaryEquals:
		b, ok := parseBinary(v)
		if !ok {
			return false
		}
		for _, want := range c.binaries {
			if bytes.Equal(b, want) {
				return true
			}
		}
	}
	return false
}

// compare applies the n-th ordering (Equals, LessThan, LessThanEquals,
// GreaterThan, GreaterThanEquals, the order of the Numeric and Date
// operators) to the result of comparing the request value with the policy's.
func compare(ordering baseOp, order int) bool {
	switch ordering {
	case 0:
		return order == 0
	case 1:
		return order < 0
	case 2:
		return order <= 0
	case 3:
		return order > 0
	default:
		return order >= 0
	}
}

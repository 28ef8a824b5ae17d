package waf

import "encoding/json"

// Unsupported holds a WAFv2 member moat does not implement, kept as the
// JSON it was given so Compile can refuse it by name rather than drop it.
type Unsupported = json.RawMessage

// Statement is exactly one of its members.
type Statement struct {
	ByteMatchStatement                *ByteMatchStatement                `json:",omitempty"`
	SqliMatchStatement                *Unsupported                       `json:",omitempty"`
	XssMatchStatement                 *Unsupported                       `json:",omitempty"`
	SizeConstraintStatement           *SizeConstraintStatement           `json:",omitempty"`
	GeoMatchStatement                 *GeoMatchStatement                 `json:",omitempty"`
	RuleGroupReferenceStatement       *Unsupported                       `json:",omitempty"`
	IPSetReferenceStatement           *IPSetReferenceStatement           `json:",omitempty"`
	RegexPatternSetReferenceStatement *RegexPatternSetReferenceStatement `json:",omitempty"`
	RateBasedStatement                *RateBasedStatement                `json:",omitempty"`
	AndStatement                      *AndStatement                      `json:",omitempty"`
	OrStatement                       *OrStatement                       `json:",omitempty"`
	NotStatement                      *NotStatement                      `json:",omitempty"`
	ManagedRuleGroupStatement         *ManagedRuleGroupStatement         `json:",omitempty"`
	LabelMatchStatement               *LabelMatchStatement               `json:",omitempty"`
	RegexMatchStatement               *RegexMatchStatement               `json:",omitempty"`
	AsnMatchStatement                 *Unsupported                       `json:",omitempty"`
}

// ByteMatchStatement looks for SearchString (base64 in JSON, as a blob)
// in the transformed field.
type ByteMatchStatement struct {
	SearchString         []byte               `json:"SearchString"`
	FieldToMatch         *FieldToMatch        `json:"FieldToMatch"`
	TextTransformations  []TextTransformation `json:"TextTransformations"`
	PositionalConstraint string               `json:"PositionalConstraint"` // EXACTLY STARTS_WITH ENDS_WITH CONTAINS CONTAINS_WORD
}

type RegexMatchStatement struct {
	RegexString         string               `json:"RegexString"`
	FieldToMatch        *FieldToMatch        `json:"FieldToMatch"`
	TextTransformations []TextTransformation `json:"TextTransformations"`
}

type RegexPatternSetReferenceStatement struct {
	ARN                 string               `json:"ARN"`
	FieldToMatch        *FieldToMatch        `json:"FieldToMatch"`
	TextTransformations []TextTransformation `json:"TextTransformations"`
}

type SizeConstraintStatement struct {
	FieldToMatch        *FieldToMatch        `json:"FieldToMatch"`
	ComparisonOperator  string               `json:"ComparisonOperator"` // EQ NE LE LT GE GT
	Size                int64                `json:"Size"`
	TextTransformations []TextTransformation `json:"TextTransformations"`
}

type IPSetReferenceStatement struct {
	ARN                    string                  `json:"ARN"`
	IPSetForwardedIPConfig *IPSetForwardedIPConfig `json:"IPSetForwardedIPConfig,omitempty"`
}

// IPSetForwardedIPConfig reads the address from a header (X-Forwarded-For)
// instead of the connection.
type IPSetForwardedIPConfig struct {
	HeaderName       string `json:"HeaderName"`
	FallbackBehavior string `json:"FallbackBehavior"` // MATCH NO_MATCH
	Position         string `json:"Position"`         // FIRST LAST ANY
}

// ForwardedIPConfig is IPSetForwardedIPConfig without Position: the first
// address in the header is used.
type ForwardedIPConfig struct {
	HeaderName       string `json:"HeaderName"`
	FallbackBehavior string `json:"FallbackBehavior"`
}

type GeoMatchStatement struct {
	CountryCodes      []string           `json:"CountryCodes"`
	ForwardedIPConfig *ForwardedIPConfig `json:"ForwardedIPConfig,omitempty"`
}

type LabelMatchStatement struct {
	Scope string `json:"Scope"` // LABEL NAMESPACE
	Key   string `json:"Key"`
}

type AndStatement struct {
	Statements []Statement `json:"Statements"`
}

type OrStatement struct {
	Statements []Statement `json:"Statements"`
}

type NotStatement struct {
	Statement *Statement `json:"Statement"`
}

// RateBasedStatement counts requests per aggregation key over a sliding
// window and matches a key's requests while its count is over Limit.
type RateBasedStatement struct {
	Limit               int64                         `json:"Limit"`
	EvaluationWindowSec int64                         `json:"EvaluationWindowSec,omitempty"` // 60 120 300 600; 300 when unset
	AggregateKeyType    string                        `json:"AggregateKeyType"`              // IP FORWARDED_IP CUSTOM_KEYS CONSTANT
	ScopeDownStatement  *Statement                    `json:"ScopeDownStatement,omitempty"`
	ForwardedIPConfig   *ForwardedIPConfig            `json:"ForwardedIPConfig,omitempty"`
	CustomKeys          []RateBasedStatementCustomKey `json:"CustomKeys,omitempty"`
}

// RateBasedStatementCustomKey is exactly one aggregation key component.
type RateBasedStatementCustomKey struct {
	Header         *RateLimitNamed          `json:"Header,omitempty"`
	Cookie         *RateLimitNamed          `json:"Cookie,omitempty"`
	QueryArgument  *RateLimitNamed          `json:"QueryArgument,omitempty"`
	QueryString    *RateLimitTransformed    `json:"QueryString,omitempty"`
	HTTPMethod     *struct{}                `json:"HTTPMethod,omitempty"`
	ForwardedIP    *struct{}                `json:"ForwardedIP,omitempty"`
	IP             *struct{}                `json:"IP,omitempty"`
	LabelNamespace *RateLimitLabelNamespace `json:"LabelNamespace,omitempty"`
	UriPath        *RateLimitTransformed    `json:"UriPath,omitempty"`
	JA3Fingerprint *Unsupported             `json:"JA3Fingerprint,omitempty"`
	JA4Fingerprint *Unsupported             `json:"JA4Fingerprint,omitempty"`
	ASN            *Unsupported             `json:"ASN,omitempty"`
}

// RateLimitNamed is WAFv2's RateLimitHeader, RateLimitCookie and
// RateLimitQueryArgument, which share one shape.
type RateLimitNamed struct {
	Name                string               `json:"Name"`
	TextTransformations []TextTransformation `json:"TextTransformations"`
}

// RateLimitTransformed is RateLimitQueryString and RateLimitUriPath.
type RateLimitTransformed struct {
	TextTransformations []TextTransformation `json:"TextTransformations"`
}

type RateLimitLabelNamespace struct {
	Namespace string `json:"Namespace"`
}

// ManagedRuleGroupStatement runs one of AWS's managed rule groups.
type ManagedRuleGroupStatement struct {
	VendorName              string               `json:"VendorName"`
	Name                    string               `json:"Name"`
	Version                 string               `json:"Version,omitempty"`
	ExcludedRules           []ExcludedRule       `json:"ExcludedRules,omitempty"`
	ScopeDownStatement      *Statement           `json:"ScopeDownStatement,omitempty"`
	ManagedRuleGroupConfigs []Unsupported        `json:"ManagedRuleGroupConfigs,omitempty"`
	RuleActionOverrides     []RuleActionOverride `json:"RuleActionOverrides,omitempty"`
}

type ExcludedRule struct {
	Name string `json:"Name"`
}

type RuleActionOverride struct {
	Name        string      `json:"Name"`
	ActionToUse *RuleAction `json:"ActionToUse"`
}

// TextTransformation is one step applied to a field before it is
// inspected, lowest Priority first.
type TextTransformation struct {
	Priority int64  `json:"Priority"`
	Type     string `json:"Type"`
}

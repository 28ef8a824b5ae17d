package waf

// WebACL is WAFv2's WebACL: rules evaluated in priority order and the
// action taken when none terminates. Id, ARN and LabelNamespace are set by
// whoever creates the ACL (the WAFv2 API or the config loader).
type WebACL struct {
	Name                     string                        `json:"Name"`
	ID                       string                        `json:"Id,omitempty"`
	ARN                      string                        `json:"ARN,omitempty"`
	Description              string                        `json:"Description,omitempty"`
	DefaultAction            *DefaultAction                `json:"DefaultAction"`
	Rules                    []Rule                        `json:"Rules"`
	VisibilityConfig         *VisibilityConfig             `json:"VisibilityConfig"`
	Capacity                 int64                         `json:"Capacity"`
	LabelNamespace           string                        `json:"LabelNamespace,omitempty"`
	CustomResponseBodies     map[string]CustomResponseBody `json:"CustomResponseBodies,omitempty"`
	AssociationConfig        *AssociationConfig            `json:"AssociationConfig,omitempty"`
	ManagedByFirewallManager bool                          `json:"ManagedByFirewallManager"`
}

// Rule is one rule of a web ACL. Action is for rules with their own
// statement; OverrideAction only for rules whose statement is a rule group.
type Rule struct {
	Name             string            `json:"Name"`
	Priority         int64             `json:"Priority"`
	Statement        *Statement        `json:"Statement"`
	Action           *RuleAction       `json:"Action,omitempty"`
	OverrideAction   *OverrideAction   `json:"OverrideAction,omitempty"`
	RuleLabels       []Label           `json:"RuleLabels,omitempty"`
	VisibilityConfig *VisibilityConfig `json:"VisibilityConfig"`
	// CaptchaConfig and ChallengeConfig are kept only to refuse them by name.
	CaptchaConfig   *Unsupported `json:"CaptchaConfig,omitempty"`
	ChallengeConfig *Unsupported `json:"ChallengeConfig,omitempty"`
}

// RuleAction is exactly one of its members.
type RuleAction struct {
	Block     *BlockAction `json:"Block,omitempty"`
	Allow     *AllowAction `json:"Allow,omitempty"`
	Count     *CountAction `json:"Count,omitempty"`
	Captcha   *Unsupported `json:"Captcha,omitempty"`
	Challenge *Unsupported `json:"Challenge,omitempty"`
}

// DefaultAction is Allow or Block.
type DefaultAction struct {
	Block *BlockAction `json:"Block,omitempty"`
	Allow *AllowAction `json:"Allow,omitempty"`
}

// OverrideAction is for rule-group rules: None keeps the group's own
// actions, Count turns every one of them into Count.
type OverrideAction struct {
	Count *CountAction `json:"Count,omitempty"`
	None  *struct{}    `json:"None,omitempty"`
}

type BlockAction struct {
	CustomResponse *CustomResponse `json:"CustomResponse,omitempty"`
}

type AllowAction struct {
	CustomRequestHandling *CustomRequestHandling `json:"CustomRequestHandling,omitempty"`
}

type CountAction struct {
	CustomRequestHandling *CustomRequestHandling `json:"CustomRequestHandling,omitempty"`
}

// CustomResponse replaces the protected resource's own blocked answer.
type CustomResponse struct {
	ResponseCode          int64              `json:"ResponseCode"`
	CustomResponseBodyKey string             `json:"CustomResponseBodyKey,omitempty"`
	ResponseHeaders       []CustomHTTPHeader `json:"ResponseHeaders,omitempty"`
}

// CustomRequestHandling inserts headers into the request passed on; AWS
// names them x-amzn-waf-<Name>.
type CustomRequestHandling struct {
	InsertHeaders []CustomHTTPHeader `json:"InsertHeaders"`
}

type CustomHTTPHeader struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// CustomResponseBody is a body a CustomResponse names by key.
type CustomResponseBody struct {
	ContentType string `json:"ContentType"` // TEXT_PLAIN, TEXT_HTML, APPLICATION_JSON
	Content     string `json:"Content"`
}

// VisibilityConfig turns on a rule's (or the ACL's) metrics and samples;
// MetricName keys GetSampledRequests.
type VisibilityConfig struct {
	SampledRequestsEnabled   bool   `json:"SampledRequestsEnabled"`
	CloudWatchMetricsEnabled bool   `json:"CloudWatchMetricsEnabled"`
	MetricName               string `json:"MetricName"`
}

// Label is a rule label; a matching rule adds LabelNamespace+Name.
type Label struct {
	Name string `json:"Name"`
}

// AssociationConfig sets, per kind of protected resource, how much of the
// body is forwarded for inspection.
type AssociationConfig struct {
	RequestBody map[string]RequestBodyAssociatedResourceTypeConfig `json:"RequestBody,omitempty"`
}

type RequestBodyAssociatedResourceTypeConfig struct {
	DefaultSizeInspectionLimit string `json:"DefaultSizeInspectionLimit"` // KB_16 … KB_64
}

// Package iam parses and evaluates AWS IAM JSON policies: identity policies,
// resource policies, role trust policies and session (scope-down) policies.
//
// ParsePolicy validates a document and compiles every pattern, variable and
// typed condition value once, so Evaluate does no parsing, no regexp work and
// (for the usual string, ARN and IP conditions) no allocation per request.
//
// The semantics follow the IAM User Guide pages cited next to each rule:
// "Policy evaluation logic", "IAM JSON policy elements reference",
// "IAM JSON policy elements: Condition operators", "Creating a condition with
// multiple context keys or values" and "IAM policy elements: Variables and tags".
package iam

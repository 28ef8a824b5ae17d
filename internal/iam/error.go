package iam

import "fmt"

// PolicyError says why a policy document was rejected and where. Wire
// adapters send it as IAM does, as a MalformedPolicyDocument error with
// Error() as the message.
type PolicyError struct {
	Statement int    // index in Statement, or -1 for the document itself
	Sid       string // the statement's Sid, when it has one
	Element   string // e.g. "Condition", "Resource"; empty for the whole statement
	Message   string
}

func (e *PolicyError) Error() string {
	where := ""
	if e.Statement >= 0 {
		where = fmt.Sprintf("Statement[%d]", e.Statement)
		if e.Sid != "" {
			where += fmt.Sprintf(" (Sid %q)", e.Sid)
		}
	}
	if e.Element != "" {
		if where != "" {
			where += "."
		}
		where += e.Element
	}
	if where == "" {
		return e.Message
	}
	return where + ": " + e.Message
}

package store

// Role is an IAM role: who may assume it (AssumeRolePolicy, a trust policy)
// and what it may do (InlinePolicies). Tags and InlinePolicies come back from
// the store non-nil, empty when the role has none.
type Role struct {
	Name               string // unique regardless of case, [\w+=,.@-]{1,64}
	ID                 string // AROA + 17 uppercase alnum, like AWS's RoleId
	ARN                string // arn:aws:iam::<account>:role<Path><Name>
	Path               string // "/" by default
	Description        string
	AssumeRolePolicy   string // JSON policy document, as given
	MaxSessionDuration int64  // seconds, 3600..43200, default 3600
	Tags               map[string]string
	InlinePolicies     map[string]string // policy name → JSON document
	CreatedAt          int64
}

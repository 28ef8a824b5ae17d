package iamapi

import (
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// The XML shapes of IAM's answers (botocore's iam 2010-05-08 model).

type roleXML struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int64
	Tags                     *tagsXML `xml:",omitempty"`
}

type tagsXML struct {
	Members []tagXML `xml:"member"`
}

type tagXML struct {
	Key   string
	Value string
}

// timestampFormat is ISO 8601 in UTC, as IAM writes dates.
const timestampFormat = "2006-01-02T15:04:05Z"

// roleShape renders a role; ListRoles leaves tags out, as IAM does.
func roleShape(r store.Role, withTags bool) roleXML {
	out := roleXML{
		Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN,
		CreateDate:               time.Unix(r.CreatedAt, 0).UTC().Format(timestampFormat),
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy),
		Description:              r.Description, MaxSessionDuration: r.MaxSessionDuration,
	}
	if withTags && len(r.Tags) > 0 {
		out.Tags = &tagsXML{}
		for _, k := range sortedKeys(r.Tags) {
			out.Tags.Members = append(out.Tags.Members, tagXML{Key: k, Value: r.Tags[k]})
		}
	}
	return out
}

type roleResult struct {
	Role roleXML
}

type listRolesResult struct {
	Roles       []roleXML `xml:"Roles>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type getRolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

type listRolePoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

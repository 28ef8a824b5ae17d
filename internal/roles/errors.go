package roles

import (
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

// IAM's error codes (the IAM API Reference, "Common Errors" and each
// action's Errors section) with the statuses IAM sends them with.
const (
	NoSuchEntity            = "NoSuchEntity"
	EntityAlreadyExists     = "EntityAlreadyExists"
	MalformedPolicyDocument = "MalformedPolicyDocument"
	ValidationError         = "ValidationError"
	DeleteConflict          = "DeleteConflict"
	LimitExceeded           = "LimitExceeded"
	UnmodifiableEntity      = "UnmodifiableEntity"
)

func noSuchRole(name string) error {
	return &awserr.Error{Code: NoSuchEntity, Message: "The role with name " + name + " cannot be found.", Status: http.StatusNotFound}
}

func noSuchRolePolicy(policyName string) error {
	return &awserr.Error{Code: NoSuchEntity, Message: "The role policy with name " + policyName + " cannot be found.", Status: http.StatusNotFound}
}

func roleExists(name string) error {
	return &awserr.Error{Code: EntityAlreadyExists, Message: "Role with name " + name + " already exists.", Status: http.StatusConflict}
}

func malformed(message string) error {
	return awserr.New(MalformedPolicyDocument, message)
}

func limitExceeded(message string) error {
	return &awserr.Error{Code: LimitExceeded, Message: message, Status: http.StatusConflict}
}

func conflict(message string) error {
	return &awserr.Error{Code: DeleteConflict, Message: message, Status: http.StatusConflict}
}

// invalid is IAM's "1 validation error detected" answer for one member.
func invalid(value, member, constraint string) error {
	return awserr.Newf(ValidationError, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

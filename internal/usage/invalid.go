package usage

import (
	"fmt"
	"unicode/utf8"
)

// InvalidError is a key or plan setting API Gateway refuses. Field names it
// as the plan's JSON and the config file both do (name, throttle.rateLimit,
// quota.period, apiStages[1].throttle["/pets/GET"].burstLimit); Message is
// the management API's BadRequestException text.
type InvalidError struct {
	Field   string
	Message string
}

func (e *InvalidError) Error() string { return e.Message }

func invalid(field, format string, args ...any) *InvalidError {
	return &InvalidError{Field: field, Message: fmt.Sprintf(format, args...)}
}

const maxNameLength = 1024

// checkName applies API Gateway's limit on key and plan names.
func checkName(name string) error {
	if !utf8.ValidString(name) || len(name) > maxNameLength {
		return invalid("name", "name must be at most 1024 characters")
	}
	return nil
}

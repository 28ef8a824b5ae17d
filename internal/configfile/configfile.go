// Package configfile reads moat's YAML config file strictly. The file is one
// mapping whose keys belong to sections; each section is a Go type owned by
// the package that owns the concept (roles:, apiKeys:, usagePlans:, …), its
// fields tagged with their YAML keys. A key no section declares is an error,
// and every error names the YAML key path where it sits
// (usagePlans[1].throttle.rateLimit), never a Go type.
package configfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Validator is a value in the file that checks itself once decoded; its
// errors are placed under the value's path (see At).
type Validator interface {
	Validate() error
}

// Error is a problem with the value at Path.
type Error struct {
	Path    string // e.g. usagePlans[1].throttle.rateLimit; "" is the whole file
	Problem string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Problem
	}
	return e.Path + ": " + e.Problem
}

// Errorf is a problem at path, relative to the value being validated.
func Errorf(path, format string, args ...any) error {
	return &Error{Path: path, Problem: fmt.Sprintf(format, args...)}
}

// At places err under path: an *Error's path is prefixed with path, another
// error becomes the problem at path, and each of joined errors is placed.
func At(path string, err error) error {
	var e *Error
	joined, isJoined := err.(interface{ Unwrap() []error })
	switch {
	case err == nil:
		return nil
	case isJoined:
		var placed []error
		for _, one := range joined.Unwrap() {
			placed = append(placed, At(path, one))
		}
		return errors.Join(placed...)
	case errors.As(err, &e):
		return &Error{Path: Join(path, e.Path), Problem: e.Problem}
	}
	return &Error{Path: path, Problem: err.Error()}
}

// Join appends a child path (a key, "[2]" or `["/pets/GET"]`) to parent.
func Join(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "" || strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// Key is the path of the value under key in the mapping at parent; a key
// that is not a plain word is quoted: throttle["/pets/GET"].
func Key(parent, key string) string {
	if key == "" || strings.IndexFunc(key, func(r rune) bool { return !isWordRune(r) }) >= 0 {
		return parent + "[" + strconv.Quote(key) + "]"
	}
	return Join(parent, key)
}

// Index is the path of item i of the sequence at parent.
func Index(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

package functions

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Function is a function as the API shows it.
type Function struct {
	store.Function
	Variables map[string]string
}

func (r *Runtime) shown(f store.Function) (Function, error) {
	out := Function{Function: f, Variables: map[string]string{}}
	if f.Environment != "" {
		if err := json.Unmarshal([]byte(f.Environment), &out.Variables); err != nil {
			return out, awserr.Internal(err)
		}
	}
	return out, nil
}

// Create makes a function from d and its zip (nil for one with a URL).
func (r *Runtime) Create(ctx context.Context, name string, d Definition, zip []byte) (Function, error) {
	if err := checkName(name); err != nil {
		return Function{}, err
	}
	if d.URL == "" && zip == nil {
		return Function{}, invalidParam("Please provide a source for function code.")
	}
	if err := d.check(zip != nil); err != nil {
		return Function{}, err
	}
	if d.URL == "" {
		if err := r.checkMemoryEnforced(true); err != nil {
			return Function{}, err
		}
	}
	if err := r.checkRole(ctx, d.Role); err != nil {
		return Function{}, err
	}
	f := store.Function{
		Name: name, ARN: r.arn(name), Runtime: d.Runtime, Handler: d.Handler, Role: d.Role, Description: d.Description,
		Timeout: d.Timeout, MemorySize: d.MemorySize, Architectures: d.Architectures,
		Environment: encodeEnvironment(d.Environment), URL: d.URL, ReservedConcurrency: -1,
		RevisionID: uuid.NewString(), LastModified: time.Now().UnixMilli(),
	}
	if zip != nil {
		if err := checkZip(zip); err != nil {
			return Function{}, err
		}
		f.CodeSha256, f.CodeSize = codeSha256(zip), int64(len(zip))
	}
	err := r.store.CreateFunction(ctx, f, zip)
	r.forget(name) // a lookup may have cached it missing
	if errors.Is(err, store.ErrAlreadyExists) {
		return Function{}, conflict("Function already exist: %s", name)
	}
	if err != nil {
		return Function{}, awserr.Internal(err)
	}
	return r.shown(f)
}

// checkRole requires the execution role to be one of moat's: its
// credentials are what the function's workers get.
func (r *Runtime) checkRole(ctx context.Context, arn string) error {
	_, err := r.store.GetRoleByARN(ctx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return invalidParam("The role defined for the function cannot be assumed by Lambda.")
	}
	if err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// Get is the function a caller names.
func (r *Runtime) Get(ctx context.Context, function string) (Function, error) {
	f, _, err := r.resolve(ctx, function)
	if err != nil {
		return Function{}, err
	}
	return r.shown(f)
}

// maxListItems is Lambda's page size bound for ListFunctions.
const maxListItems = 50

// List is a page of functions by name after marker, and the marker of the
// next page ("" at the end).
func (r *Runtime) List(ctx context.Context, marker string, maxItems int) ([]Function, string, error) {
	if maxItems <= 0 || maxItems > maxListItems {
		maxItems = maxListItems
	}
	fs, err := r.store.ListFunctions(ctx, marker, maxItems+1)
	if err != nil {
		return nil, "", awserr.Internal(err)
	}
	next := ""
	if len(fs) > maxItems {
		fs = fs[:maxItems]
		next = fs[maxItems-1].Name
	}
	out := make([]Function, 0, len(fs))
	for _, f := range fs {
		s, err := r.shown(f)
		if err != nil {
			return nil, "", err
		}
		out = append(out, s)
	}
	return out, next, nil
}

// UpdateCode replaces the function's package; the next invocation runs it.
func (r *Runtime) UpdateCode(ctx context.Context, function string, zip []byte, architectures []string, revisionID string) (Function, error) {
	if zip == nil {
		return Function{}, invalidParam("Please provide a source for function code.")
	}
	if err := checkZip(zip); err != nil {
		return Function{}, err
	}
	if err := checkArchitectures(architectures); err != nil {
		return Function{}, err
	}
	return r.update(ctx, function, zip, func(f *store.Function) error {
		if f.URL != "" {
			return invalidParam("The function %s runs at its endpoint URL and has no deployment package.", f.Name)
		}
		if !revisionMatches(f, revisionID) {
			return revisionMismatch()
		}
		f.CodeSha256, f.CodeSize = codeSha256(zip), int64(len(zip))
		if len(architectures) > 0 {
			f.Architectures = architectures
		}
		return nil
	})
}

// UpdateConfiguration changes the function's settings; the next
// invocation runs a worker started with them.
func (r *Runtime) UpdateConfiguration(ctx context.Context, function string, c Change) (Function, error) {
	return r.update(ctx, function, nil, func(f *store.Function) error {
		if !revisionMatches(f, c.RevisionID) {
			return revisionMismatch()
		}
		d := Definition{Runtime: f.Runtime, Handler: f.Handler, Role: f.Role, Description: f.Description,
			Timeout: f.Timeout, MemorySize: f.MemorySize, Architectures: f.Architectures, URL: f.URL}
		if err := json.Unmarshal([]byte(orEmptyObject(f.Environment)), &d.Environment); err != nil {
			return awserr.Internal(err)
		}
		apply(&d.Runtime, c.Runtime)
		apply(&d.Handler, c.Handler)
		apply(&d.Role, c.Role)
		apply(&d.Description, c.Description)
		apply(&d.URL, c.URL)
		apply(&d.Timeout, c.Timeout)
		apply(&d.MemorySize, c.MemorySize)
		apply(&d.Environment, c.Environment)
		if (d.URL == "") != (f.CodeSha256 != "") {
			return invalidParam("A function either has a deployment package or an endpoint URL, and keeps what it was created with.")
		}
		if err := d.check(false); err != nil {
			return err
		}
		if c.MemorySize != nil && d.URL == "" {
			if err := r.checkMemoryEnforced(true); err != nil {
				return err
			}
		}
		if c.Role != nil {
			if err := r.checkRole(ctx, d.Role); err != nil {
				return err
			}
		}
		f.Runtime, f.Handler, f.Role, f.Description, f.URL = d.Runtime, d.Handler, d.Role, d.Description, d.URL
		f.Timeout, f.MemorySize, f.Environment = d.Timeout, d.MemorySize, encodeEnvironment(d.Environment)
		return nil
	})
}

func apply[T any](field *T, change *T) {
	if change != nil {
		*field = *change
	}
}

func orEmptyObject(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

func revisionMatches(f *store.Function, revisionID string) bool {
	return revisionID == "" || revisionID == f.RevisionID
}

func revisionMismatch() error {
	return &awserr.Error{Code: codePrecondition, Status: http.StatusPreconditionFailed,
		Message: "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}
}

// update changes the function under the store's lock, with a new
// RevisionId and LastModified; code, when set, replaces the package.
func (r *Runtime) update(ctx context.Context, function string, code []byte, change func(*store.Function) error) (Function, error) {
	f, _, err := r.resolve(ctx, function)
	if err != nil {
		return Function{}, err
	}
	var updated store.Function
	err = r.store.UpdateFunction(ctx, f.Name, code, func(f store.Function) (store.Function, error) {
		if err := change(&f); err != nil {
			return f, err
		}
		f.RevisionID, f.LastModified = uuid.NewString(), time.Now().UnixMilli()
		updated = f
		return f, nil
	})
	r.forget(f.Name)
	if errors.Is(err, store.ErrNotFound) {
		return Function{}, functionNotFound(r.arn(f.Name))
	}
	if err != nil {
		if _, ok := awserr.As(err); ok {
			return Function{}, err
		}
		return Function{}, awserr.Internal(err)
	}
	return r.shown(updated)
}

// Delete removes the function, its code and queued events, and stops its
// workers on this replica (others' find it gone at their next invocation).
func (r *Runtime) Delete(ctx context.Context, function string) error {
	f, _, err := r.resolve(ctx, function)
	if err != nil {
		return err
	}
	err = r.store.DeleteFunction(ctx, f.Name)
	r.forget(f.Name)
	if errors.Is(err, store.ErrNotFound) {
		return functionNotFound(f.ARN)
	} else if err != nil {
		return awserr.Internal(err)
	}
	r.dropIdle(f.Name)
	_ = os.RemoveAll(filepath.Join(r.workDir, "code", f.Name))
	return nil
}

// PutConcurrency reserves n concurrent executions for the function (0
// throttles every invocation).
func (r *Runtime) PutConcurrency(ctx context.Context, function string, n int64) (int64, error) {
	if n < 0 {
		return 0, validation(strconv.FormatInt(n, 10), "reservedConcurrentExecutions", "Member must have value greater than or equal to 0")
	}
	if n > int64(r.maxConcurrency) {
		return 0, invalidParam("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [0]: moat's limit is %d.", r.maxConcurrency)
	}
	return n, r.setConcurrency(ctx, function, n)
}

// DeleteConcurrency removes the function's reservation.
func (r *Runtime) DeleteConcurrency(ctx context.Context, function string) error {
	return r.setConcurrency(ctx, function, -1)
}

func (r *Runtime) setConcurrency(ctx context.Context, function string, n int64) error {
	f, _, err := r.resolve(ctx, function)
	if err != nil {
		return err
	}
	err = r.store.UpdateFunction(ctx, f.Name, nil, func(f store.Function) (store.Function, error) {
		f.ReservedConcurrency = n
		return f, nil
	})
	r.forget(f.Name)
	if errors.Is(err, store.ErrNotFound) {
		return functionNotFound(f.ARN)
	}
	if err != nil {
		return awserr.Internal(err)
	}
	return nil
}

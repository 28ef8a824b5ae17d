package store

import "context"

// Function is a Lambda function's configuration. Its code is a zip kept
// beside it under CodeSha256; a function with a URL has no code and runs
// elsewhere. Environment is the function's variables as a JSON object,
// sealed at rest (variables often hold secrets).
type Function struct {
	Name          string // unique, [A-Za-z0-9_-]{1,64}
	ARN           string // arn:aws:lambda:<region>:<account>:function:<name>
	Runtime       string
	Handler       string
	Role          string // the execution role's ARN
	Description   string
	Timeout       int64 // seconds
	MemorySize    int64 // MB
	Architectures []string
	Environment   string // JSON object of the variables; "" for none
	URL           string // a remote endpoint invocations are POSTed to
	CodeSha256    string // base64 SHA-256 of the zip, as Lambda reports it
	CodeSize      int64
	// ReservedConcurrency caps the function's simultaneous invocations;
	// -1 when none is reserved.
	ReservedConcurrency int64
	Policy              string // the resource policy's statements as a JSON array; "" for none
	RevisionID          string
	LastModified        int64 // Unix milliseconds
}

// FunctionEvent is an asynchronous invocation waiting to run: queued
// durably, claimed by one replica at a time, retried until Attempts runs out.
type FunctionEvent struct {
	ID            string
	Function      string
	Payload       []byte
	Attempts      int   // claims so far
	NextAttemptAt int64 // Unix milliseconds; pushed ahead while claimed
	LastError     string
	CreatedAt     int64
}

// Functions is Lambda functions, their code and their queued events.
type Functions interface {
	// CreateFunction stores f and its code (nil for a function with a
	// URL) together; ErrAlreadyExists on a taken name.
	CreateFunction(ctx context.Context, f Function, code []byte) error
	GetFunction(ctx context.Context, name string) (Function, error) // ErrNotFound
	// ListFunctions is up to limit functions named after after, by name.
	ListFunctions(ctx context.Context, after string, limit int) ([]Function, error)
	// UpdateFunction may change anything but Name and ARN. A non-nil code
	// replaces the stored code with code under the updated CodeSha256, in
	// the same transaction.
	UpdateFunction(ctx context.Context, name string, code []byte, update func(Function) (Function, error)) error
	// DeleteFunction deletes the function, its code and its queued events.
	DeleteFunction(ctx context.Context, name string) error
	// GetFunctionCode is the zip stored for the function under sha256.
	GetFunctionCode(ctx context.Context, name, sha256 string) ([]byte, error)

	EnqueueFunctionEvent(ctx context.Context, e FunctionEvent) error // ErrNotFound: no such function
	// ClaimFunctionEvent takes the oldest event due at now, counting the
	// attempt and hiding it until leaseUntil (when it is due again, should
	// the claimer die); false when none is due.
	ClaimFunctionEvent(ctx context.Context, now, leaseUntil int64) (FunctionEvent, bool, error)
	// RetryFunctionEvent makes a claimed event due again at nextAttemptAt.
	RetryFunctionEvent(ctx context.Context, id string, nextAttemptAt int64, lastError string) error
	// DeleteFunctionEvent drops an event that ran or ran out of attempts.
	DeleteFunctionEvent(ctx context.Context, id string) error
}

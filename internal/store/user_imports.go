package store

import "context"

// UserImports are Cognito's user import jobs and the CSV files uploaded to
// them. A file is kept in numbered parts under an upload ID, so a large
// upload never sits in one value and a half-finished one never replaces the
// file in force: the job names its upload only once every part is stored.
type UserImports interface {
	// CreateUserImportJob fails with ErrNotFound without the pool and with
	// ErrAlreadyExists when the ID is taken.
	CreateUserImportJob(ctx context.Context, j UserImportJob) error
	GetUserImportJob(ctx context.Context, poolID, id string) (UserImportJob, error)
	// ListUserImportJobs is the pool's jobs, ordered by ID; ErrNotFound
	// without the pool.
	ListUserImportJobs(ctx context.Context, poolID string) ([]UserImportJob, error)
	UpdateUserImportJob(ctx context.Context, poolID, id string, update func(UserImportJob) (UserImportJob, error)) error

	// PutUserImportPart stores one part of an upload to a job (ErrNotFound
	// without the job); parts are numbered from 0.
	PutUserImportPart(ctx context.Context, p UserImportPart) error
	// GetUserImportPart reads part seq of an upload: ErrNotFound past its last.
	GetUserImportPart(ctx context.Context, poolID, jobID, upload string, seq int) ([]byte, error)
	// DeleteUserImportUpload drops every part of an upload.
	DeleteUserImportUpload(ctx context.Context, poolID, jobID, upload string) error
}

// UserImportJob is one import job. Status is Cognito's (Created, Pending,
// InProgress, Stopping, Stopped, Failed, Succeeded); Upload names the upload
// whose parts are the job's CSV ("" before one completed). Times are Unix
// seconds, 0 when not yet; HeartbeatAt is when the run last recorded
// progress.
type UserImportJob struct {
	PoolID            string
	ID                string
	Name              string
	RoleARN           string
	Status            string
	Upload            string
	CreatedAt         int64
	StartedAt         int64
	CompletedAt       int64
	Imported          int64
	Skipped           int64
	Failed            int64
	CompletionMessage string
	HeartbeatAt       int64
}

// UserImportPart is one piece of an uploaded CSV.
type UserImportPart struct {
	PoolID string
	JobID  string
	Upload string
	Seq    int
	Data   []byte
}

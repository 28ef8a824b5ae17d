package userpool

import (
	"context"
	"errors"
	"regexp"
	"slices"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// Cognito's CSV user import: a job is created with an upload URL, the CSV
// is PUT there (import_upload.go), and starting the job imports its users
// in the background (import_run.go), as RESET_REQUIRED users without a
// password. Per-user failures, which Cognito writes to CloudWatch Logs,
// go to moat's log; the role ARN is kept and shown, never assumed.

// Import job states, as Cognito names them.
const (
	jobCreated    = "Created"
	jobPending    = "Pending"
	jobInProgress = "InProgress"
	jobStopping   = "Stopping"
	jobStopped    = "Stopped"
	jobExpired    = "Expired"
	jobFailed     = "Failed"
	jobSucceeded  = "Succeeded"
)

// importJobStartWindow is how long a created job can wait to be started
// before it is Expired (Cognito: 24 to 48 hours).
const importJobStartWindow = 24 * 60 * 60

var (
	jobNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)
)

// UserImportJobType is Cognito's description of a job.
type UserImportJobType struct {
	JobName               string  `json:"JobName"`
	JobId                 string  `json:"JobId"`
	UserPoolId            string  `json:"UserPoolId"`
	PreSignedUrl          string  `json:"PreSignedUrl,omitempty"`
	CreationDate          float64 `json:"CreationDate"`
	StartDate             float64 `json:"StartDate,omitempty"`
	CompletionDate        float64 `json:"CompletionDate,omitempty"`
	Status                string  `json:"Status"`
	CloudWatchLogsRoleArn string  `json:"CloudWatchLogsRoleArn"`
	ImportedUsers         int64   `json:"ImportedUsers"`
	SkippedUsers          int64   `json:"SkippedUsers"`
	FailedUsers           int64   `json:"FailedUsers"`
	CompletionMessage     string  `json:"CompletionMessage,omitempty"`
}

type GetCSVHeaderInput struct {
	UserPoolId string `json:"UserPoolId"`
}

type GetCSVHeaderOutput struct {
	UserPoolId string   `json:"UserPoolId"`
	CSVHeader  []string `json:"CSVHeader"`
}

// GetCSVHeader lists the columns an import file of the pool has.
func (s *Service) GetCSVHeader(ctx context.Context, in *GetCSVHeaderInput) (*GetCSVHeaderOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &GetCSVHeaderOutput{UserPoolId: p.ID, CSVHeader: p.importHeader()}, nil
}

type CreateUserImportJobInput struct {
	JobName               string `json:"JobName"`
	UserPoolId            string `json:"UserPoolId"`
	CloudWatchLogsRoleArn string `json:"CloudWatchLogsRoleArn"`
}

type UserImportJobOutput struct {
	UserImportJob UserImportJobType `json:"UserImportJob"`
}

func (s *Service) CreateUserImportJob(ctx context.Context, in *CreateUserImportJobInput) (*UserImportJobOutput, error) {
	switch {
	case in.JobName == "":
		return nil, invalidParameter("1 validation error detected: Value null at 'jobName' failed to satisfy constraint: Member must not be null")
	case !jobNamePattern.MatchString(in.JobName):
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+", in.JobName)
	case in.CloudWatchLogsRoleArn == "":
		return nil, invalidParameter("1 validation error detected: Value null at 'cloudWatchLogsRoleArn' failed to satisfy constraint: Member must not be null")
	}
	if err := checkARN("cloudWatchLogsRoleArn", in.CloudWatchLogsRoleArn, false); err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	j := store.UserImportJob{PoolID: p.ID, ID: "import-" + randomString(alnum, 10), Name: in.JobName,
		RoleARN: in.CloudWatchLogsRoleArn, Status: jobCreated, CreatedAt: s.clock()}
	if err := s.store.CreateUserImportJob(ctx, j); err != nil {
		return nil, storeErr(err, poolNotFound(p.ID))
	}
	return &UserImportJobOutput{UserImportJob: s.importJobType(j)}, nil
}

type UserImportJobInput struct {
	UserPoolId string `json:"UserPoolId"`
	JobId      string `json:"JobId"`
}

func (s *Service) DescribeUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	j, err := s.loadImportJob(ctx, in)
	if err != nil {
		return nil, err
	}
	return &UserImportJobOutput{UserImportJob: s.importJobType(j)}, nil
}

type ListUserImportJobsInput struct {
	UserPoolId      string `json:"UserPoolId"`
	MaxResults      int    `json:"MaxResults"`
	PaginationToken string `json:"PaginationToken,omitempty"`
}

type ListUserImportJobsOutput struct {
	UserImportJobs  []UserImportJobType `json:"UserImportJobs"`
	PaginationToken string              `json:"PaginationToken,omitempty"`
}

// ListUserImportJobs pages through the pool's jobs by ID.
func (s *Service) ListUserImportJobs(ctx context.Context, in *ListUserImportJobsInput) (*ListUserImportJobsOutput, error) {
	if in.MaxResults < 1 || in.MaxResults > 60 {
		return nil, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", in.MaxResults)
	}
	jobs, token, err := poolPage(ctx, s, in.UserPoolId, in.MaxResults, 60, in.PaginationToken, s.store.ListUserImportJobs,
		func(j store.UserImportJob) string { return j.ID },
		func(j store.UserImportJob) (UserImportJobType, error) { return s.importJobType(j), nil })
	if err != nil {
		return nil, err
	}
	return &ListUserImportJobsOutput{UserImportJobs: jobs, PaginationToken: token}, nil
}

// StartUserImportJob starts importing the job's uploaded CSV.
func (s *Service) StartUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	j, err := s.loadImportJob(ctx, in)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, j.PoolID)
	if err != nil {
		return nil, err
	}
	if len(p.Config.AutoVerifiedAttributes) == 0 {
		return nil, awserr.New(awserr.PreconditionNotMet, "The user pool must have at least one auto-verified attribute (email or phone_number) to import users.")
	}
	err = s.store.UpdateUserImportJob(ctx, j.PoolID, j.ID, func(old store.UserImportJob) (store.UserImportJob, error) {
		switch {
		case s.importJobStatus(old) != jobCreated:
			return old, awserr.Newf(awserr.PreconditionNotMet, "Import job %s is %s: only a job in Created status can be started.", old.ID, s.importJobStatus(old))
		case old.Upload == "":
			return old, awserr.Newf(awserr.PreconditionNotMet, "No CSV file was uploaded to import job %s.", old.ID)
		}
		old.Status, old.StartedAt, old.HeartbeatAt = jobPending, s.clock(), s.clock()
		j = old
		return old, nil
	})
	if err != nil {
		return nil, storeErr(err, importJobNotFound(in.JobId))
	}
	go s.runImport(context.WithoutCancel(ctx), j)
	return &UserImportJobOutput{UserImportJob: s.importJobType(j)}, nil
}

// StopUserImportJob asks a running job to stop after its current batch.
func (s *Service) StopUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	j, err := s.loadImportJob(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.store.UpdateUserImportJob(ctx, j.PoolID, j.ID, func(old store.UserImportJob) (store.UserImportJob, error) {
		if status := s.importJobStatus(old); status != jobPending && status != jobInProgress {
			return old, awserr.Newf(awserr.PreconditionNotMet, "Import job %s is %s: only a Pending or InProgress job can be stopped.", old.ID, status)
		}
		old.Status = jobStopping
		j = old
		return old, nil
	})
	if err != nil {
		return nil, storeErr(err, importJobNotFound(in.JobId))
	}
	return &UserImportJobOutput{UserImportJob: s.importJobType(j)}, nil
}

func (s *Service) loadImportJob(ctx context.Context, in *UserImportJobInput) (store.UserImportJob, error) {
	if in.JobId == "" {
		return store.UserImportJob{}, invalidParameter("1 validation error detected: Value null at 'jobId' failed to satisfy constraint: Member must not be null")
	}
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return store.UserImportJob{}, err
	}
	j, err := s.store.GetUserImportJob(ctx, p.ID, in.JobId)
	if errors.Is(err, store.ErrNotFound) {
		return j, importJobNotFound(in.JobId)
	}
	return j, storeErr(err, nil)
}

func importJobNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Import job %s does not exist.", id)
}

// importHeartbeatLimit is how long a running job may go without recording
// progress (a batch takes seconds) before its run is taken for lost: the
// moat running it stopped or crashed.
const importHeartbeatLimit = 5 * 60

// lostRunMessage is a lost run's completion message.
const lostRunMessage = "The import stopped: the moat running it stopped before it ended. The users counted as imported are in the pool; start a new job for the other lines."

// importJobStatus is j's status as of now: a job never started within
// the window has expired; a running job whose run was lost has failed.
func (s *Service) importJobStatus(j store.UserImportJob) string {
	switch {
	case j.Status == jobCreated && s.clock() > j.CreatedAt+importJobStartWindow:
		return jobExpired
	case runs(j.Status) && s.clock() > j.HeartbeatAt+importHeartbeatLimit:
		return jobFailed
	}
	return j.Status
}

// runs reports whether a job in this stored status has a run under way.
func runs(status string) bool {
	return status == jobPending || status == jobInProgress || status == jobStopping
}

func (s *Service) importJobType(j store.UserImportJob) UserImportJobType {
	out := UserImportJobType{
		JobName: j.Name, JobId: j.ID, UserPoolId: j.PoolID, CreationDate: float64(j.CreatedAt),
		StartDate: float64(j.StartedAt), CompletionDate: float64(j.CompletedAt), Status: s.importJobStatus(j),
		CloudWatchLogsRoleArn: j.RoleARN, ImportedUsers: j.Imported, SkippedUsers: j.Skipped, FailedUsers: j.Failed,
		CompletionMessage: j.CompletionMessage,
	}
	switch {
	case out.Status == jobCreated:
		out.PreSignedUrl = s.importUploadURL(j)
	case out.Status == jobFailed && runs(j.Status):
		out.CompletionMessage = lostRunMessage
	}
	return out
}

// importHeader is the pool's import columns: its attributes but sub, as
// the schema lists them, then Cognito's two of its own.
func (p *pool) importHeader() []string {
	header := make([]string, 0, len(p.Config.Schema)+2)
	for _, a := range p.Config.Schema {
		if a.Name != "sub" && !slices.Contains(header, a.Name) {
			header = append(header, a.Name)
		}
	}
	return append(header, importMFAColumn, importUsernameColumn)
}

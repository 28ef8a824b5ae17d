package userpool

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// importPool is a pool users sign in to with a username or a verified
// email, codes going to email, with a custom attribute.
func importPool(t *testing.T, s *Service) string {
	t.Helper()
	p, err := s.CreateUserPool(context.Background(), &CreateUserPoolInput{PoolName: "import", PoolConfig: PoolConfig{
		AutoVerifiedAttributes: []string{"email"}, AliasAttributes: []string{"email"},
		Schema: []SchemaAttribute{{Name: "team", AttributeDataType: "String", Mutable: boolPtr(true)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p.UserPool.Id
}

// uploadTo PUTs body to a job's PreSignedUrl the way the wire adapter does.
func uploadTo(s *Service, presigned, body string) error {
	u, err := url.Parse(presigned)
	if err != nil {
		return err
	}
	poolID, jobID, _ := strings.Cut(strings.TrimPrefix(u.Path, ImportUploadPath), "/")
	return s.UploadImportFile(context.Background(), poolID, jobID, u.Query().Get("expires"), u.Query().Get("signature"), strings.NewReader(body))
}

func createImportJob(t *testing.T, s *Service, poolID string) UserImportJobType {
	t.Helper()
	out, err := s.CreateUserImportJob(context.Background(), &CreateUserImportJobInput{UserPoolId: poolID, JobName: "migration 1",
		CloudWatchLogsRoleArn: "arn:aws:iam::000000000000:role/CognitoImport"})
	if err != nil {
		t.Fatal(err)
	}
	return out.UserImportJob
}

// waitForJob polls until the job has ended.
func waitForJob(t *testing.T, s *Service, poolID, jobID string) UserImportJobType {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := s.DescribeUserImportJob(context.Background(), &UserImportJobInput{UserPoolId: poolID, JobId: jobID})
		if err != nil {
			t.Fatal(err)
		}
		switch out.UserImportJob.Status {
		case jobSucceeded, jobFailed, jobStopped:
			return out.UserImportJob
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s", out.UserImportJob.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// csvFile is a file with the pool's header, columns in their own order.
func csvFile(t *testing.T, s *Service, poolID string, lines ...map[string]string) string {
	t.Helper()
	h, err := s.GetCSVHeader(context.Background(), &GetCSVHeaderInput{UserPoolId: poolID})
	if err != nil {
		t.Fatal(err)
	}
	header := slices.Clone(h.CSVHeader)
	slices.Reverse(header) // the order of columns does not matter
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\r\n")
	for _, l := range lines {
		fields := make([]string, len(header))
		for i, name := range header {
			fields[i] = strings.ReplaceAll(l[name], ",", `\,`)
		}
		b.WriteString(strings.Join(fields, ",") + "\n")
	}
	return b.String()
}

func TestGetCSVHeader(t *testing.T) {
	s := newTestService(t)
	poolID := importPool(t, s)
	h, err := s.GetCSVHeader(context.Background(), &GetCSVHeaderInput{UserPoolId: poolID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
		"website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified",
		"address", "updated_at", "custom:team", "cognito:mfa_enabled", "cognito:username"}
	if !slices.Equal(h.CSVHeader, want) || h.UserPoolId != poolID {
		t.Errorf("GetCSVHeader = %v", h)
	}
	_, err = s.GetCSVHeader(context.Background(), &GetCSVHeaderInput{UserPoolId: "us-east-1_missing"})
	wantCode(t, err, awserr.ResourceNotFound, "")
}

func TestUserImport(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := importPool(t, s)
	if _, err := s.AdminCreateUser(ctx, &AdminCreateUserInput{UserPoolId: poolID, Username: "existing", MessageAction: "SUPPRESS",
		UserAttributes: []AttributeType{{Name: "email", Value: "held@example.com"}, {Name: "email_verified", Value: "true"}}}); err != nil {
		t.Fatal(err)
	}
	job := createImportJob(t, s, poolID)
	if job.Status != jobCreated || !strings.HasPrefix(job.JobId, "import-") || job.PreSignedUrl == "" || job.CloudWatchLogsRoleArn == "" {
		t.Fatalf("created job %+v", job)
	}
	_, err := s.StartUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	wantCode(t, err, awserr.PreconditionNotMet, "No CSV file was uploaded to import job "+job.JobId+".")

	ok := func(username, email string) map[string]string {
		return map[string]string{"cognito:username": username, "email": email, "email_verified": "true", "cognito:mfa_enabled": "false"}
	}
	withComma := ok("carol", "carol@example.com")
	withComma["name"], withComma["custom:team"] = "Carol, Jr.", "blue"
	badMFA := ok("dave", "dave@example.com")
	badMFA["cognito:mfa_enabled"] = "maybe"
	unverified := ok("erin", "erin@example.com")
	unverified["email_verified"] = "false"
	badNumber := ok("fay", "fay@example.com")
	badNumber["updated_at"] = "yesterday"
	file := csvFile(t, s, poolID,
		ok("alice", "alice@example.com"),
		withComma,
		ok("", "nobody@example.com"),        // no username
		badMFA,                              // mfa neither true nor false
		unverified,                          // no auto-verified attribute verified
		badNumber,                           // not a number
		ok("existing", "other@example.com"), // the username is taken
		ok("gus", "held@example.com"),       // the verified email is another user's
		ok("hal", "alice@example.com"),      // ... of a user earlier in the file
		ok("ivy", "ivy@example.com"),
	) + "too,few\n\n"
	if err := uploadTo(s, job.PreSignedUrl, "first file, replaced"); err != nil {
		t.Fatal(err)
	}
	if err := uploadTo(s, job.PreSignedUrl, file); err != nil {
		t.Fatal(err)
	}
	started, err := s.StartUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if started.UserImportJob.Status != jobPending || started.UserImportJob.StartDate == 0 || started.UserImportJob.PreSignedUrl != "" {
		t.Errorf("started job %+v", started.UserImportJob)
	}
	if err := uploadTo(s, job.PreSignedUrl, file); !errors.Is(err, ErrImportUploadClosed) {
		t.Errorf("upload to a started job: %v", err)
	}
	_, err = s.StartUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	wantCode(t, err, awserr.PreconditionNotMet, "")

	done := waitForJob(t, s, poolID, job.JobId)
	if done.Status != jobSucceeded || done.ImportedUsers != 3 || done.FailedUsers != 8 || done.SkippedUsers != 0 || done.CompletionDate == 0 {
		t.Fatalf("finished job %+v", done)
	}
	_, err = s.StopUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	wantCode(t, err, awserr.PreconditionNotMet, "")

	carol, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{}
	for _, a := range carol.UserAttributes {
		attrs[a.Name] = a.Value
	}
	if carol.UserStatus != "RESET_REQUIRED" || attrs["name"] != "Carol, Jr." || attrs["custom:team"] != "blue" || attrs["email_verified"] != "true" || attrs["sub"] == "" {
		t.Errorf("imported user %+v", carol)
	}
	for _, missing := range []string{"dave", "erin", "fay", "gus", "hal"} {
		if _, err := s.AdminGetUser(ctx, &UserRef{UserPoolId: poolID, Username: missing}); err == nil {
			t.Errorf("%s was imported", missing)
		}
	}
	// The stored file went with the job's end.
	if j, err := s.store.GetUserImportJob(ctx, poolID, job.JobId); err != nil || j.Upload != "" {
		t.Errorf("job after its end: %+v %v", j, err)
	}
}

func TestUserImportUploadURL(t *testing.T) {
	s := newTestService(t)
	poolID := importPool(t, s)
	job := createImportJob(t, s, poolID)
	other := createImportJob(t, s, poolID)
	u, _ := url.Parse(job.PreSignedUrl)
	q := u.Query()
	cases := []struct {
		name                    string
		jobID, expires, signing string
		want                    error
	}{
		{"another job's signature", other.JobId, q.Get("expires"), q.Get("signature"), ErrImportUploadDenied},
		{"a later expiry", job.JobId, q.Get("expires") + "0", q.Get("signature"), ErrImportUploadDenied},
		{"no signature", job.JobId, q.Get("expires"), "", ErrImportUploadDenied},
	}
	for _, c := range cases {
		if err := s.UploadImportFile(context.Background(), poolID, c.jobID, c.expires, c.signing, strings.NewReader("x")); !errors.Is(err, c.want) {
			t.Errorf("%s: %v; want %v", c.name, err, c.want)
		}
	}
	now := time.Now().Add(importURLLife*time.Second + time.Second)
	s.now = func() time.Time { return now }
	if err := uploadTo(s, job.PreSignedUrl, "x"); !errors.Is(err, ErrImportUploadExpired) {
		t.Errorf("an old URL: %v", err)
	}
	// A job not started within a day has expired, and takes no file.
	now = now.Add(importJobStartWindow * time.Second)
	d, err := s.DescribeUserImportJob(context.Background(), &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	if err != nil || d.UserImportJob.Status != jobExpired || d.UserImportJob.PreSignedUrl != "" {
		t.Fatalf("a day later: %+v %v", d, err)
	}
	fresh := s.importUploadURL(storeJob(t, s, poolID, job.JobId))
	if err := uploadTo(s, fresh, "x"); !errors.Is(err, ErrImportUploadClosed) {
		t.Errorf("upload to an expired job: %v", err)
	}
	if big := strings.Repeat("a", maxImportFile+1); !errors.Is(uploadTo(s, s.importUploadURL(storeJob(t, s, poolID, createImportJob(t, s, poolID).JobId)), big), ErrImportUploadTooLarge) {
		t.Error("a file over 100 MB was taken")
	}
}

func storeJob(t *testing.T, s *Service, poolID, id string) store.UserImportJob {
	t.Helper()
	j, err := s.store.GetUserImportJob(context.Background(), poolID, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestUserImportFailsOnItsHeader(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := importPool(t, s)
	for _, c := range []struct{ file, message string }{
		{"", "The import stopped: the file is empty"},
		{"cognito:username,cognito:mfa_enabled\nalice,false\n", `The import stopped: the header lacks the column "name" (see GetCSVHeader)`},
		{strings.Repeat("x", maxImportLine+1), "The import stopped: line 1 is longer than 65536 bytes"},
	} {
		job := createImportJob(t, s, poolID)
		if err := uploadTo(s, job.PreSignedUrl, c.file); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId}); err != nil {
			t.Fatal(err)
		}
		done := waitForJob(t, s, poolID, job.JobId)
		if done.Status != jobFailed || done.CompletionMessage != c.message || done.ImportedUsers != 0 {
			t.Errorf("job on %.20q: %+v", c.file, done)
		}
	}
}

func TestUserImportJobRequests(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t)
	poolID := importPool(t, s)
	for _, in := range []CreateUserImportJobInput{
		{UserPoolId: poolID, CloudWatchLogsRoleArn: "arn:aws:iam::000000000000:role/CognitoImport"},
		{UserPoolId: poolID, JobName: "bad/name", CloudWatchLogsRoleArn: "arn:aws:iam::000000000000:role/CognitoImport"},
		{UserPoolId: poolID, JobName: "j"},
		{UserPoolId: poolID, JobName: "j", CloudWatchLogsRoleArn: "not an arn at all, no"},
	} {
		_, err := s.CreateUserImportJob(ctx, &in)
		wantCode(t, err, awserr.InvalidParameter, "")
	}
	_, err := s.CreateUserImportJob(ctx, &CreateUserImportJobInput{UserPoolId: "us-east-1_missing", JobName: "j", CloudWatchLogsRoleArn: "arn:aws:iam::000000000000:role/CognitoImport"})
	wantCode(t, err, awserr.ResourceNotFound, "")
	_, err = s.DescribeUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: "import-nothere"})
	wantCode(t, err, awserr.ResourceNotFound, "Import job import-nothere does not exist.")

	var ids []string
	for range 3 {
		ids = append(ids, createImportJob(t, s, poolID).JobId)
	}
	slices.Sort(ids)
	var listed []string
	token := ""
	for {
		page, err := s.ListUserImportJobs(ctx, &ListUserImportJobsInput{UserPoolId: poolID, MaxResults: 2, PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.UserImportJobs {
			listed = append(listed, j.JobId)
		}
		if token = page.PaginationToken; token == "" {
			break
		}
	}
	if !slices.Equal(listed, ids) {
		t.Errorf("listed %v; want %v", listed, ids)
	}
	for _, max := range []int{0, 61} {
		_, err := s.ListUserImportJobs(ctx, &ListUserImportJobsInput{UserPoolId: poolID, MaxResults: max})
		wantCode(t, err, awserr.InvalidParameter, "")
	}

	// A pool without an auto-verified attribute cannot import: its users
	// could never reset their passwords.
	plain, err := s.CreateUserPool(ctx, &CreateUserPoolInput{PoolName: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	job := createImportJob(t, s, plain.UserPool.Id)
	if err := uploadTo(s, job.PreSignedUrl, "x"); err != nil {
		t.Fatal(err)
	}
	_, err = s.StartUserImportJob(ctx, &UserImportJobInput{UserPoolId: plain.UserPool.Id, JobId: job.JobId})
	wantCode(t, err, awserr.PreconditionNotMet, "")
}

// A stop asked for during a batch keeps that batch's counts: its users are
// stored, so they are counted as imported, and the run ends stopped.
func TestUserImportStopKeepsTheLastBatch(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	poolID := importPool(t, s)
	job := createImportJob(t, s, poolID)
	if _, err := s.StopUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId}); err == nil {
		t.Fatal("a Created job was stopped")
	}
	j := storedJob(t, s, poolID, job.JobId, func(j *store.UserImportJob) { j.Status = jobStopping })
	if err := s.advanceImport(ctx, j, 1000, 1200); !errors.Is(err, errImportStopped) {
		t.Fatalf("advance while stopping: %v", err)
	}
	j = storedJob(t, s, poolID, job.JobId, func(*store.UserImportJob) {})
	if j.Status != jobStopping || j.Imported != 1000 || j.Failed != 200 {
		t.Fatalf("job after the last batch: %s imported %d failed %d", j.Status, j.Imported, j.Failed)
	}
}

// A run that stops recording progress (the moat running it stopped) is
// reported Failed with a message that says so, and cannot be stopped; one
// that keeps its heartbeat stays InProgress.
func TestUserImportLostRunFails(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	poolID := importPool(t, s)
	job := createImportJob(t, s, poolID)
	started := time.Now()
	s.now = func() time.Time { return started }
	j := storedJob(t, s, poolID, job.JobId, func(j *store.UserImportJob) { j.Status, j.StartedAt, j.Upload = jobInProgress, started.Unix(), "u" })
	if err := s.advanceImport(ctx, j, 10, 12); err != nil {
		t.Fatal(err)
	}
	describe := func() UserImportJobType {
		out, err := s.DescribeUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
		if err != nil {
			t.Fatal(err)
		}
		return out.UserImportJob
	}
	s.now = func() time.Time { return started.Add(importHeartbeatLimit * time.Second) }
	if got := describe(); got.Status != jobInProgress {
		t.Fatalf("a run within its heartbeat: %s", got.Status)
	}
	s.now = func() time.Time { return started.Add((importHeartbeatLimit + 1) * time.Second) }
	got := describe()
	if got.Status != jobFailed || got.CompletionMessage != lostRunMessage || got.ImportedUsers != 10 || got.FailedUsers != 2 {
		t.Fatalf("a lost run: %+v", got)
	}
	_, err := s.StopUserImportJob(ctx, &UserImportJobInput{UserPoolId: poolID, JobId: job.JobId})
	var aerr *awserr.Error
	if !errors.As(err, &aerr) || aerr.Code != awserr.PreconditionNotMet || !strings.Contains(aerr.Message, "is Failed") {
		t.Fatalf("stopping a lost run: %v", err)
	}
}

// storedJob changes a job in the store as a run would and reads it back.
func storedJob(t *testing.T, s *Service, poolID, jobID string, change func(*store.UserImportJob)) store.UserImportJob {
	t.Helper()
	ctx := context.Background()
	if err := s.store.UpdateUserImportJob(ctx, poolID, jobID, func(j store.UserImportJob) (store.UserImportJob, error) {
		change(&j)
		return j, nil
	}); err != nil {
		t.Fatal(err)
	}
	j, err := s.store.GetUserImportJob(ctx, poolID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

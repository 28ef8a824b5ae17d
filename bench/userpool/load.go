package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// usersPerFile is Cognito's limit on one import job's file.
const usersPerFile = 500_000

// username is the bench's i-th user; the numbers are padded so a prefix
// of the email picks a known slice of the pool.
func username(i int) string { return fmt.Sprintf("user%07d", i) }

func email(i int) string { return username(i) + "@bench.example" }

// loaded is how an import went.
type loaded struct {
	users            int
	upload, imported time.Duration
}

// importUsers adds users [from, to) to the pool the way a migrating team
// would: CSV files from GetCSVHeader's columns, PUT to import jobs'
// PreSignedUrls, the jobs run one after another, with a progress bar.
func importUsers(ctx context.Context, idp *cip.Client, poolID string, from, to int) (loaded, error) {
	header, err := idp.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: &poolID})
	if err != nil {
		return loaded{}, fmt.Errorf("GetCSVHeader: %w", err)
	}
	bar := newProgress(to-from, "importing")
	out := loaded{users: to - from}
	for start := from; start < to; start += usersPerFile {
		end := min(start+usersPerFile, to)
		file := csvFile(header.CSVHeader, start, end)
		job, err := idp.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{UserPoolId: &poolID,
			JobName: aws.String(fmt.Sprintf("bench %d-%d", start, end)), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::000000000000:role/bench-import")})
		if err != nil {
			return out, fmt.Errorf("CreateUserImportJob: %w", err)
		}
		began := time.Now()
		if err := put(ctx, aws.ToString(job.UserImportJob.PreSignedUrl), file); err != nil {
			return out, err
		}
		out.upload += time.Since(began)
		began = time.Now()
		if _, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: job.UserImportJob.JobId}); err != nil {
			return out, fmt.Errorf("StartUserImportJob: %w", err)
		}
		for {
			d, err := idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: job.UserImportJob.JobId})
			if err != nil {
				return out, fmt.Errorf("DescribeUserImportJob: %w", err)
			}
			j := d.UserImportJob
			bar.show(start - from + int(j.ImportedUsers+j.FailedUsers))
			if s := string(j.Status); s != "Pending" && s != "InProgress" {
				if s != "Succeeded" || j.FailedUsers > 0 || int(j.ImportedUsers) != end-start {
					return out, fmt.Errorf("import job %s: %s, %d imported, %d failed: %s", aws.ToString(j.JobId), s, j.ImportedUsers, j.FailedUsers, aws.ToString(j.CompletionMessage))
				}
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		out.imported += time.Since(began)
	}
	bar.done()
	return out, nil
}

// csvFile is users [from, to) in Cognito's import format.
func csvFile(columns []string, from, to int) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(columns, ",") + "\n")
	fields := make([]string, len(columns))
	for i := from; i < to; i++ {
		for c, name := range columns {
			switch name {
			case "cognito:username":
				fields[c] = username(i)
			case "email":
				fields[c] = email(i)
			case "email_verified":
				fields[c] = "true"
			case "cognito:mfa_enabled":
				fields[c] = "false"
			case "name":
				fields[c] = fmt.Sprintf("Bench User %d", i)
			default:
				fields[c] = ""
			}
		}
		b.WriteString(strings.Join(fields, ",") + "\n")
	}
	return b.Bytes()
}

// put uploads a file to a PreSignedUrl as AWS's guide does.
func put(ctx context.Context, url string, file []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(file))
	if err != nil {
		return err
	}
	req.Header.Set("x-amz-server-side-encryption", "aws:kms")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT to the PreSignedUrl: %d %s", res.StatusCode, body)
	}
	return nil
}

// progress draws a bar on stderr.
type progress struct {
	total int
	what  string
	began time.Time
}

func newProgress(total int, what string) *progress {
	return &progress{total: total, what: what, began: time.Now()}
}

func (p *progress) show(done int) {
	const width = 40
	filled := width * done / max(p.total, 1)
	rate := float64(done) / time.Since(p.began).Seconds()
	fmt.Fprintf(os.Stderr, "\r  %s [%s%s] %d/%d users, %.0f/s ", p.what, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, rate)
}

func (p *progress) done() {
	p.show(p.total)
	fmt.Fprintln(os.Stderr)
}

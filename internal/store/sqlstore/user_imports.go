package sqlstore

import (
	"context"

	"github.com/moat-dev/moat/internal/store"
)

var userImportJobs = &table[store.UserImportJob]{
	name: "user_import_jobs", what: "user import job",
	keys: []string{"pool_id", "id"},
	columns: []string{"pool_id", "id", "name", "role_arn", "status", "upload", "created_at", "started_at", "completed_at",
		"imported", "skipped", "failed", "completion_message", "heartbeat_at"},
	row: func(j store.UserImportJob) []any {
		return []any{j.PoolID, j.ID, j.Name, j.RoleARN, j.Status, j.Upload, j.CreatedAt, j.StartedAt, j.CompletedAt,
			j.Imported, j.Skipped, j.Failed, j.CompletionMessage, j.HeartbeatAt}
	},
	scan: func(row scanner) (j store.UserImportJob, err error) {
		return j, row.Scan(&j.PoolID, &j.ID, &j.Name, &j.RoleARN, &j.Status, &j.Upload, &j.CreatedAt, &j.StartedAt, &j.CompletedAt,
			&j.Imported, &j.Skipped, &j.Failed, &j.CompletionMessage, &j.HeartbeatAt)
	},
	frozen:      func(j store.UserImportJob) []any { return []any{j.CreatedAt} },
	frozenNames: "PoolID, ID or CreatedAt",
}

func (s *Store) CreateUserImportJob(ctx context.Context, j store.UserImportJob) error {
	return userImportJobs.insert(ctx, s.writer(), j)
}

func (s *Store) GetUserImportJob(ctx context.Context, poolID, id string) (store.UserImportJob, error) {
	return userImportJobs.get(ctx, s.reader(), "", poolID, id)
}

func (s *Store) ListUserImportJobs(ctx context.Context, poolID string) ([]store.UserImportJob, error) {
	return userImportJobs.listInPool(ctx, s.reader(), poolID, "id")
}

func (s *Store) UpdateUserImportJob(ctx context.Context, poolID, id string, update func(store.UserImportJob) (store.UserImportJob, error)) error {
	return userImportJobs.update(ctx, s, []any{poolID, id}, update)
}

func (s *Store) PutUserImportPart(ctx context.Context, p store.UserImportPart) error {
	_, err := s.writer().exec(ctx, `INSERT INTO user_import_parts (pool_id, job_id, upload, seq, data) VALUES (?, ?, ?, ?, ?)`,
		p.PoolID, p.JobID, p.Upload, p.Seq, p.Data)
	return constraintError(err, "user import job "+p.JobID)
}

func (s *Store) GetUserImportPart(ctx context.Context, poolID, jobID, upload string, seq int) ([]byte, error) {
	var data []byte
	err := s.reader().queryRow(ctx, `SELECT data FROM user_import_parts WHERE pool_id = ? AND job_id = ? AND upload = ? AND seq = ?`,
		poolID, jobID, upload, seq).Scan(&data)
	return data, notFound(err, "user import part")
}

func (s *Store) DeleteUserImportUpload(ctx context.Context, poolID, jobID, upload string) error {
	_, err := s.writer().exec(ctx, `DELETE FROM user_import_parts WHERE pool_id = ? AND job_id = ? AND upload = ?`, poolID, jobID, upload)
	return err
}

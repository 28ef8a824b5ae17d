package conformance

import (
	"slices"
	"strconv"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testUserImports(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	job := func(id string, created int64) store.UserImportJob {
		return store.UserImportJob{PoolID: p.ID, ID: id, Name: "n-" + id, RoleARN: "arn:aws:iam::000000000000:role/logs", Status: "Created", CreatedAt: created}
	}
	poolOwned(t, "UserImportJob", p.ID, func(poolID string) error {
		return s.CreateUserImportJob(ctx, store.UserImportJob{PoolID: poolID, ID: "import-x"})
	}, s.ListUserImportJobs)
	for i, id := range []string{"import-a", "import-c", "import-b"} {
		must(t, s.CreateUserImportJob(ctx, job(id, 1700000000+int64(i/2))), "CreateUserImportJob "+id)
	}
	want(t, s.CreateUserImportJob(ctx, job("import-a", 1)), store.ErrAlreadyExists, "a taken job ID")
	list, err := s.ListUserImportJobs(ctx, p.ID)
	must(t, err, "ListUserImportJobs")
	var ids []string
	for _, j := range list {
		ids = append(ids, j.ID)
	}
	same(t, ids, []string{"import-a", "import-b", "import-c"}, "jobs ordered by ID")

	must(t, s.UpdateUserImportJob(ctx, p.ID, "import-a", func(j store.UserImportJob) (store.UserImportJob, error) {
		j.Status, j.Upload, j.StartedAt, j.Imported, j.Failed, j.CompletionMessage = "InProgress", "up1", 1700000100, 7, 2, "running"
		j.HeartbeatAt = 1700000160
		return j, nil
	}), "UpdateUserImportJob")
	got, err := s.GetUserImportJob(ctx, p.ID, "import-a")
	must(t, err, "GetUserImportJob")
	w := job("import-a", 1700000000)
	w.Status, w.Upload, w.StartedAt, w.Imported, w.Failed, w.CompletionMessage = "InProgress", "up1", 1700000100, 7, 2, "running"
	w.HeartbeatAt = 1700000160
	same(t, got, w, "the job as updated")
	_, err = s.GetUserImportJob(ctx, p.ID, "import-z")
	want(t, err, store.ErrNotFound, "GetUserImportJob missing")

	// Parts: numbered, per upload; deleting one upload leaves the other.
	want(t, s.PutUserImportPart(ctx, store.UserImportPart{PoolID: p.ID, JobID: "import-z", Upload: "u", Data: []byte("x")}), store.ErrNotFound, "a part of a missing job")
	for seq, data := range []string{"a,b\n", "1,2\n"} {
		must(t, s.PutUserImportPart(ctx, store.UserImportPart{PoolID: p.ID, JobID: "import-a", Upload: "up1", Seq: seq, Data: []byte(data)}), "PutUserImportPart")
	}
	must(t, s.PutUserImportPart(ctx, store.UserImportPart{PoolID: p.ID, JobID: "import-a", Upload: "up2", Seq: 0, Data: []byte("other")}), "PutUserImportPart up2")
	part, err := s.GetUserImportPart(ctx, p.ID, "import-a", "up1", 1)
	must(t, err, "GetUserImportPart")
	same(t, string(part), "1,2\n", "the part stored")
	_, err = s.GetUserImportPart(ctx, p.ID, "import-a", "up1", 2)
	want(t, err, store.ErrNotFound, "a part past the last")
	must(t, s.DeleteUserImportUpload(ctx, p.ID, "import-a", "up1"), "DeleteUserImportUpload")
	_, err = s.GetUserImportPart(ctx, p.ID, "import-a", "up1", 0)
	want(t, err, store.ErrNotFound, "a part of a deleted upload")
	part, err = s.GetUserImportPart(ctx, p.ID, "import-a", "up2", 0)
	must(t, err, "the other upload stays")
	same(t, string(part), "other", "the other upload's part")

	// Jobs and their parts go with their pool.
	must(t, s.DeleteUserPool(ctx, p.ID), "DeleteUserPool")
	_, err = s.GetUserImportJob(ctx, p.ID, "import-a")
	want(t, err, store.ErrNotFound, "a job of a deleted pool")
}

func testCreateUsers(t *testing.T, s store.Store) {
	p := pool(t, s, "pool1")
	existing := user(t, s, p.ID, "taken", map[string]string{"email": "taken@example.com"})
	mk := func(key, sub string, attrs map[string]string) store.User {
		return store.User{PoolID: p.ID, Key: key, Username: key, Sub: sub, Status: "RESET_REQUIRED", Enabled: true,
			Attributes: attrs, CreatedAt: 1700000500, UpdatedAt: 1700000500}
	}
	batch := []store.User{
		mk("new1", "s1", map[string]string{"email": "new1@example.com", "email_verified": "true"}),
		mk("taken", "s2", map[string]string{"email": "imposter@example.com"}),
		mk("new2", existing.Sub, nil), // a taken sub
		mk("new3", "s3", nil),
		mk("new3", "s4", map[string]string{"email": "twice@example.com"}),
	}
	_, err := s.CreateUsers(ctx, []store.User{{PoolID: "missing", Key: "k", Sub: "x"}})
	want(t, err, store.ErrNotFound, "CreateUsers in a missing pool")
	stored, err := s.CreateUsers(ctx, batch)
	must(t, err, "CreateUsers")
	slices.Sort(stored)
	same(t, stored, []string{"new1", "new3"}, "only users with a free key and sub are stored")
	got, err := s.GetUser(ctx, p.ID, "new1")
	must(t, err, "GetUser new1")
	same(t, got, batch[0], "a bulk-stored user reads back whole")
	got, err = s.GetUser(ctx, p.ID, "taken")
	must(t, err, "GetUser taken")
	same(t, got.Attributes, existing.Attributes, "a taken key keeps its user")
	got, err = s.GetUser(ctx, p.ID, "new3")
	must(t, err, "GetUser new3")
	same(t, got.Sub, "s3", "a key given twice is stored once, as first given")
	same(t, got.Attributes, map[string]string{}, "with the first one's attributes")

	// Many at once: more than one statement's worth.
	var many []store.User
	for i := range 1203 {
		many = append(many, mk("bulk-"+string(rune('a'+i%26))+strconv.Itoa(i), "bulk-sub-"+strconv.Itoa(i), map[string]string{"email": "b" + strconv.Itoa(i) + "@example.com", "name": "B"}))
	}
	stored, err = s.CreateUsers(ctx, many)
	must(t, err, "CreateUsers many")
	same(t, len(stored), len(many), "every user of a large batch stored")
	n, err := s.CountUsers(ctx, p.ID)
	must(t, err, "CountUsers")
	same(t, n, int64(1203+3), "users after the large batch")

	found, err := s.FindUsersByAttributeValues(ctx, p.ID, "email", []string{"b7@example.com", "taken@example.com", "nobody@example.com"})
	must(t, err, "FindUsersByAttributeValues")
	keys := keysOf(found)
	slices.Sort(keys)
	same(t, keys, []string{"bulk-h7", "taken"}, "users found by any of the values")
	found, err = s.FindUsersByAttributeValues(ctx, p.ID, "email", nil)
	must(t, err, "FindUsersByAttributeValues none")
	same(t, len(found), 0, "no values find no one")
}

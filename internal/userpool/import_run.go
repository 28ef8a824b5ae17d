package userpool

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// importBatch is how many lines go to the store in one transaction; a
// job's counts move, and a stop is noticed, once per batch.
const importBatch = 1000

// importLine is one line of the file that passed the pool's checks.
type importLine struct {
	line int64
	user importedUser
}

// errImportStopped ends a run that StopUserImportJob asked to stop.
var errImportStopped = errors.New("stopped")

// runImport imports j's file and records how it ended.
func (s *Service) runImport(ctx context.Context, j store.UserImportJob) {
	imported, failed, err := s.importFile(ctx, j)
	status, message := jobSucceeded, fmt.Sprintf("Imported %d users; %d could not be imported (see moat's log).", imported, failed)
	switch {
	case errors.Is(err, errImportStopped):
		status, message = jobStopped, fmt.Sprintf("Stopped after importing %d users; %d could not be imported.", imported, failed)
	case err != nil:
		status, message = jobFailed, "The import stopped: "+err.Error()
		s.log.Warn("user import failed", "pool", j.PoolID, "job", j.ID, "err", err)
	}
	var upload string
	err = s.store.UpdateUserImportJob(ctx, j.PoolID, j.ID, func(old store.UserImportJob) (store.UserImportJob, error) {
		upload = old.Upload
		old.Status, old.CompletedAt, old.CompletionMessage, old.Upload = status, s.clock(), message, ""
		return old, nil
	})
	if err != nil {
		s.log.Error("user import: recording the end", "pool", j.PoolID, "job", j.ID, "err", err)
		return
	}
	// The file holds personal data: once imported it is not kept.
	if err := s.store.DeleteUserImportUpload(ctx, j.PoolID, j.ID, upload); err != nil {
		s.log.Error("user import: deleting the file", "pool", j.PoolID, "job", j.ID, "err", err)
	}
}

// importFile reads the file and stores its users batch by batch; every
// line read and not imported failed.
func (s *Service) importFile(ctx context.Context, j store.UserImportJob) (imported, failed int64, err error) {
	imported, lines, err := s.importLines(ctx, j)
	return imported, lines - imported, err
}

// importLines imports the file's users and counts the lines read after its header.
func (s *Service) importLines(ctx context.Context, j store.UserImportJob) (imported, lines int64, err error) {
	p, err := s.loadPool(ctx, j.PoolID)
	if err != nil {
		return 0, 0, err
	}
	if err := s.advanceImport(ctx, j, 0, 0); err != nil {
		return 0, 0, err
	}
	r := newImportReader(&importParts{ctx: ctx, store: s.store, job: j})
	header, err := r.next()
	if errors.Is(err, io.EOF) {
		return 0, 0, errors.New("the file is empty")
	}
	if err != nil {
		return 0, 0, err
	}
	cols, err := p.importColumnsOf(header)
	if err != nil {
		return 0, 0, err
	}
	batch := make([]importLine, 0, importBatch)
	flush := func() error {
		stored, err := s.storeImported(ctx, p, j, batch)
		if err != nil {
			return err
		}
		imported, batch = imported+stored, batch[:0]
		return s.advanceImport(ctx, j, stored, lines)
	}
	for {
		fields, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return imported, lines, err
		}
		lines++
		u, err := p.importUser(cols, fields)
		if err != nil {
			s.log.Info("user import: line not imported", "pool", j.PoolID, "job", j.ID, "line", r.line, "reason", err)
		} else {
			batch = append(batch, importLine{line: r.line, user: u})
		}
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return imported, lines, err
			}
		}
	}
	return imported, lines, flush()
}

// advanceImport adds a batch's imported users to the job (which is
// InProgress from the first call, unless a stop was asked for) and records
// the run's heartbeat; every other line of the lines read so far failed.
// The batch counts even when it is the last before a stop: it is stored.
// It reports errImportStopped once a stop was asked for.
func (s *Service) advanceImport(ctx context.Context, j store.UserImportJob, imported, lines int64) error {
	stopped := false
	err := s.store.UpdateUserImportJob(ctx, j.PoolID, j.ID, func(old store.UserImportJob) (store.UserImportJob, error) {
		stopped = old.Status == jobStopping
		if !stopped {
			old.Status = jobInProgress
		}
		old.HeartbeatAt = s.clock()
		old.Imported += imported
		old.Failed = lines - old.Imported
		return old, nil
	})
	if err != nil {
		return err
	}
	if stopped {
		return errImportStopped
	}
	return nil
}

// storeImported stores a batch as RESET_REQUIRED users with their
// "User Created" events, and counts those stored; the others were refused
// (a username or alias already taken).
func (s *Service) storeImported(ctx context.Context, p *pool, j store.UserImportJob, batch []importLine) (imported int64, err error) {
	if len(batch) == 0 {
		return 0, nil
	}
	now := s.clock()
	users := make([]store.User, 0, len(batch))
	for _, l := range batch {
		username, sub := usernameAndSub(l.user.username)
		attrs := l.user.attributes
		attrs["sub"] = sub
		u := store.User{PoolID: p.ID, Key: p.userKey(username), Username: username, Sub: sub,
			Status: string(signin.ResetRequired), Enabled: true, Attributes: attrs, CreatedAt: now, UpdatedAt: now}
		if l.user.mfa {
			var st userState
			st.MFA.enable(factorSMS, true)
			u.State = encodeState(st)
		}
		users = append(users, u)
	}
	taken, err := s.takenAliases(ctx, p, users)
	if err != nil {
		return 0, err
	}
	fresh := make([]store.User, 0, len(users))
	for i, u := range users {
		if reason := taken[i]; reason != "" {
			s.log.Info("user import: line not imported", "pool", j.PoolID, "job", j.ID, "line", batch[i].line, "reason", reason)
			continue
		}
		fresh = append(fresh, u)
	}
	stored, err := s.users.createMany(ctx, fresh, change{kind: userCreated, operation: "UserImport"})
	if err != nil {
		return 0, err
	}
	made := map[string]bool{}
	for _, k := range stored {
		made[k] = true
	}
	for i, u := range users {
		switch {
		case taken[i] != "":
		case made[u.Key]:
			delete(made, u.Key) // a second line of the same username fails
		default:
			s.log.Info("user import: line not imported", "pool", j.PoolID, "job", j.ID, "line", batch[i].line, "reason", "a user with this username exists")
		}
	}
	return int64(len(stored)), nil
}

// takenAliases says, per user, why its sign-in alias (a verified email or
// phone, a preferred username) cannot be its: another user, stored or
// earlier in the batch, has it. An alias belongs to one user, as Cognito
// keeps it; an import never moves one.
func (s *Service) takenAliases(ctx context.Context, p *pool, users []store.User) ([]string, error) {
	reasons := make([]string, len(users))
	for _, alias := range p.signInAttributes() {
		claims := func(attrs map[string]string) bool {
			return attrs[alias] != "" && (alias == "preferred_username" || p.usernameIsAttribute(alias) || attrs[alias+"_verified"] == "true")
		}
		var values []string
		for _, u := range users {
			if claims(u.Attributes) {
				values = append(values, u.Attributes[alias])
			}
		}
		owners, err := s.store.FindUsersByAttributeValues(ctx, p.ID, alias, values)
		if err != nil {
			return nil, err
		}
		held := map[string]bool{}
		for _, o := range owners {
			if claims(o.Attributes) {
				held[o.Attributes[alias]] = true
			}
		}
		for i, u := range users {
			if !claims(u.Attributes) || reasons[i] != "" {
				continue
			}
			v := u.Attributes[alias]
			if held[v] {
				reasons[i] = "another user has this " + alias
				continue
			}
			held[v] = true
		}
	}
	return reasons, nil
}

// importParts reads an upload's parts in order, one at a time.
type importParts struct {
	ctx   context.Context
	store store.UserImports
	job   store.UserImportJob
	seq   int
	rest  []byte
}

func (r *importParts) Read(b []byte) (int, error) {
	for len(r.rest) == 0 {
		part, err := r.store.GetUserImportPart(r.ctx, r.job.PoolID, r.job.ID, r.job.Upload, r.seq)
		if errors.Is(err, store.ErrNotFound) {
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		r.rest, r.seq = part, r.seq+1
	}
	n := copy(b, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

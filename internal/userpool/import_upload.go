package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strconv"

	"github.com/moat-dev/moat/internal/store"
)

// A job's PreSignedUrl is where its CSV is PUT, on moat's identity
// listener: /user-import/<pool>/<job>?expires=<unix>&signature=<mac>, the
// MAC over pool, job and expiry under a key of this deployment, so it
// cannot be made for another job or kept beyond its time.

const (
	// importURLLife is how long a PreSignedUrl is good for, from the
	// answer that gave it.
	importURLLife = 15 * 60
	// maxImportFile is Cognito's limit on an import file (100 MB).
	maxImportFile = 100 << 20
	// importPartSize is how much of a file one stored part holds.
	importPartSize = 1 << 20
	// ImportUploadPath is where PreSignedUrls point, under the public URL.
	ImportUploadPath = "/user-import/"
)

// Why an upload is refused; the wire adapter answers each as S3 would.
var (
	ErrImportUploadDenied   = errors.New("the signature does not match this URL")
	ErrImportUploadExpired  = errors.New("request has expired")
	ErrImportUploadTooLarge = errors.New("the file is larger than 100 MB")
	ErrImportUploadClosed   = errors.New("the import job no longer takes a file")
)

func (s *Service) importUploadURL(j store.UserImportJob) string {
	expires := strconv.FormatInt(s.clock()+importURLLife, 10)
	return s.publicURL + ImportUploadPath + url.PathEscape(j.PoolID) + "/" + url.PathEscape(j.ID) + "?" +
		url.Values{"expires": {expires}, "signature": {s.importURLSignature(j.PoolID, j.ID, expires)}}.Encode()
}

func (s *Service) importURLSignature(poolID, jobID, expires string) string {
	mac := hmac.New(sha256.New, s.importURLKey)
	mac.Write([]byte("user-import\n" + poolID + "\n" + jobID + "\n" + expires))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyImportUploadURL checks an upload URL's signature and expiry.
func (s *Service) VerifyImportUploadURL(poolID, jobID, expires, signature string) error {
	want := s.importURLSignature(poolID, jobID, expires)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return ErrImportUploadDenied
	}
	if at, err := strconv.ParseInt(expires, 10, 64); err != nil || s.clock() > at {
		return ErrImportUploadExpired
	}
	return nil
}

// UploadImportFile stores body as the job's file, replacing an earlier
// one, when the URL holds (VerifyImportUploadURL) and the job has not
// started. A file is kept whole or not at all.
func (s *Service) UploadImportFile(ctx context.Context, poolID, jobID, expires, signature string, body io.Reader) error {
	if err := s.VerifyImportUploadURL(poolID, jobID, expires, signature); err != nil {
		return err
	}
	j, err := s.store.GetUserImportJob(ctx, poolID, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrImportUploadClosed
	}
	if err != nil {
		return err
	}
	if s.importJobStatus(j) != jobCreated {
		return ErrImportUploadClosed
	}
	upload := newOpaqueToken(12)
	if err := s.storeImportFile(ctx, j, upload, body); err != nil {
		return errors.Join(err, s.store.DeleteUserImportUpload(context.WithoutCancel(ctx), poolID, jobID, upload))
	}
	var replaced string
	err = s.store.UpdateUserImportJob(ctx, poolID, jobID, func(old store.UserImportJob) (store.UserImportJob, error) {
		if s.importJobStatus(old) != jobCreated {
			return old, ErrImportUploadClosed
		}
		replaced, old.Upload = old.Upload, upload
		return old, nil
	})
	if err != nil {
		return errors.Join(err, s.store.DeleteUserImportUpload(context.WithoutCancel(ctx), poolID, jobID, upload))
	}
	if replaced == "" {
		return nil
	}
	return s.store.DeleteUserImportUpload(ctx, poolID, jobID, replaced)
}

// storeImportFile writes body in parts under upload.
func (s *Service) storeImportFile(ctx context.Context, j store.UserImportJob, upload string, body io.Reader) error {
	limited := io.LimitReader(body, maxImportFile+1)
	total := 0
	for seq := 0; ; seq++ {
		buf := make([]byte, importPartSize)
		n, err := io.ReadFull(limited, buf)
		total += n
		if total > maxImportFile {
			return ErrImportUploadTooLarge
		}
		if n > 0 {
			if err := s.store.PutUserImportPart(ctx, store.UserImportPart{PoolID: j.PoolID, JobID: j.ID, Upload: upload, Seq: seq, Data: buf[:n]}); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			return err
		}
	}
}

package cognitoidp

import (
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/userpool"
)

// uploadTime bounds the reading of one signed upload.
const uploadTime = 15 * time.Minute

// ImportUploads answers the PUT of a user import file to a job's
// PreSignedUrl, as the S3 URL Cognito hands out would: 200 with an empty
// body, or S3's XML error.
type ImportUploads struct {
	Pools  *userpool.Service
	Logger *slog.Logger
}

// Matches claims requests under the upload path.
func (h ImportUploads) Matches(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, userpool.ImportUploadPath)
}

func (h ImportUploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		s3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		return
	}
	poolID, jobID, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, userpool.ImportUploadPath), "/")
	q := r.URL.Query()
	if !ok || poolID == "" || jobID == "" || strings.Contains(jobID, "/") {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	expires, signature := q.Get("expires"), q.Get("signature")
	err := h.Pools.VerifyImportUploadURL(poolID, jobID, expires, signature)
	if err == nil {
		// A file of up to 100 MB may take longer than the identity
		// listener's 30 s for a request; a signed upload gets the URL's life.
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(uploadTime))
		rc.SetWriteDeadline(time.Now().Add(uploadTime + time.Minute))
		err = h.Pools.UploadImportFile(r.Context(), poolID, jobID, expires, signature, r.Body)
	}
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, userpool.ErrImportUploadDenied):
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	case errors.Is(err, userpool.ErrImportUploadExpired):
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
	case errors.Is(err, userpool.ErrImportUploadClosed):
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
	case errors.Is(err, userpool.ErrImportUploadTooLarge):
		s3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	default:
		h.Logger.Error("user import upload", "pool", poolID, "job", jobID, "err", err)
		s3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	}
}

// s3Error writes S3's error document.
func s3Error(w http.ResponseWriter, status int, code, message string) {
	body, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
	}{Code: code, Message: message})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write(append([]byte(xml.Header), body...))
}

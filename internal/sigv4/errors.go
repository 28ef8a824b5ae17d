package sigv4

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
)

// Codes and messages are AWS's, so SDKs and people searching for them find
// the same explanations. Status is left to the wire layer.

const contentSHA256Mismatch = "XAmzContentSHA256Mismatch"

func errMissingAuthentication() error {
	return awserr.New(awserr.MissingAuthToken, "Missing Authentication Token")
}

func errIncomplete(format string, args ...any) error {
	return awserr.Newf(awserr.IncompleteSignature, format, args...)
}

func errInvalidSignature(format string, args ...any) error {
	return awserr.Newf(awserr.InvalidSignature, format, args...)
}

// errMissingEqualSign does not echo the header: something that is not SigV4
// may well be a bearer token, so, like API Gateway, only its hash is shown.
func errMissingEqualSign(authorization string) error {
	sum := sha256.Sum256([]byte(authorization))
	return errIncomplete("Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '%s'.",
		base64.StdEncoding.EncodeToString(sum[:]))
}

func errUnrecognizedClient() error {
	return awserr.New(awserr.UnrecognizedClient, "The security token included in the request is invalid.")
}

func errSignatureMismatch() error {
	return errInvalidSignature("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

func errContentSHA256Mismatch() error {
	return awserr.New(contentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
}

// errExpired and errNotYetCurrent mirror AWS's "Signature expired: <signed>
// is now earlier than <now - window> (<now> - 5 min.)" wording.
func errExpired(signed, now time.Time, window time.Duration) error {
	return errInvalidSignature("Signature expired: %s is now earlier than %s (%s - %s)",
		signed.Format(amzDateFormat), now.Add(-window).Format(amzDateFormat), now.Format(amzDateFormat), describeWindow(window))
}

func errNotYetCurrent(signed, now time.Time, window time.Duration) error {
	return errInvalidSignature("Signature not yet current: %s is still later than %s (%s + %s)",
		signed.Format(amzDateFormat), now.Add(window).Format(amzDateFormat), now.Format(amzDateFormat), describeWindow(window))
}

func describeWindow(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min.", int64(d/time.Minute))
	}
	return fmt.Sprintf("%d sec.", int64(d/time.Second))
}

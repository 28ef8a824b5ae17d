package awsapi

import (
	"encoding/json"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

// jsonContentType is what AWS JSON 1.1 services answer with.
const jsonContentType = "application/x-amz-json-1.1"

// writeJSONError answers with e in AWS JSON 1.1's error shape: status, the
// x-amzn-ErrorType and x-amzn-ErrorMessage headers, and
// {"__type":"<Code>","message":"<Message>"} with e's Members beside them.
func writeJSONError(w http.ResponseWriter, e *awserr.Error, _ string) {
	var body []byte
	if len(e.Members) == 0 {
		body, _ = json.Marshal(struct { // two strings cannot fail to marshal
			Type    string `json:"__type"`
			Message string `json:"message"`
		}{e.Code, e.Message})
	} else {
		members := map[string]string{}
		for k, v := range e.Members {
			members[k] = v
		}
		members["__type"], members["message"] = e.Code, e.Message
		body, _ = json.Marshal(members) // strings only
	}
	w.Header().Set("x-amzn-ErrorType", e.Code)
	w.Header().Set("x-amzn-ErrorMessage", headerSafe(e.Message))
	writeBody(w, e.HTTPStatus(), jsonContentType, body)
}

// WriteJSONError answers with e as an AWS JSON 1.1 service does, for a
// handler outside the frame that speaks a JSON service's wire (the
// gateway's Cognito proxy).
func WriteJSONError(w http.ResponseWriter, e *awserr.Error) { writeJSONError(w, e, "") }

// headerSafe keeps a message usable as a header value: control characters
// (a newline would end the header) become spaces.
func headerSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}

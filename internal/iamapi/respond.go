package iamapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
)

// Namespace is IAM's XML namespace, on every answer.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

const contentType = "text/xml"

// writeResult answers an action as IAM does:
// <ActionResponse xmlns="…"><ActionResult>…</ActionResult><ResponseMetadata>
// <RequestId>…</RequestId></ResponseMetadata></ActionResponse>, with no
// Result element for actions that return nothing (result nil).
func writeResult(w http.ResponseWriter, action string, result any, requestID string) error {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return err
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return err
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	writeXML(w, http.StatusOK, buf.Bytes())
	return nil
}

// errorResponse is IAM's error document.
type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError answers with e in IAM's error shape; Type is Sender for the
// client's mistakes and Receiver for ours.
func writeError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	typ := "Sender"
	if e.HTTPStatus() >= 500 {
		typ = "Receiver"
	}
	body, _ := xml.Marshal(errorResponse{Xmlns: Namespace, Type: typ, Code: e.Code, Message: e.Message, RequestID: requestID}) // strings only: cannot fail
	writeXML(w, e.HTTPStatus(), body)
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// encodeDocument percent-encodes a policy document as IAM returns it
// (botocore and the AWS CLI decode it; other SDKs hand it over as is).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// wireError turns any failure into the error IAM would send: the
// authenticator's SigV4 refusals under IAM's names and statuses, our own
// faults as ServiceFailure.
func wireError(err error) *awserr.Error {
	e, ok := awserr.As(err)
	if !ok || e.HTTPStatus() >= 500 {
		return &awserr.Error{Code: "ServiceFailure", Message: "Request processing has failed because of an unknown error, exception or failure.", Status: http.StatusInternalServerError, Cause: err}
	}
	if renamed, ok := signatureCodes[e.Code]; ok {
		return &awserr.Error{Code: renamed.code, Message: e.Message, Status: renamed.status}
	}
	return e
}

// signatureCodes maps the SigV4 verifier's JSON-protocol codes to the
// names query-protocol services such as IAM use.
var signatureCodes = map[string]struct {
	code   string
	status int
}{
	awserr.MissingAuthToken:    {"MissingAuthenticationToken", http.StatusForbidden},
	awserr.UnrecognizedClient:  {"InvalidClientTokenId", http.StatusForbidden},
	awserr.InvalidSignature:    {"SignatureDoesNotMatch", http.StatusForbidden},
	awserr.IncompleteSignature: {"IncompleteSignature", http.StatusBadRequest},
}

package awsapi

import (
	"bytes"
	"encoding/xml"
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

const xmlContentType = "text/xml"

// writeQueryResult answers an action as query-protocol services do:
// <ActionResponse xmlns="…"><ActionResult>…</ActionResult><ResponseMetadata>
// <RequestId>…</RequestId></ResponseMetadata></ActionResponse>, with no
// Result element for actions that return nothing (result nil).
func writeQueryResult(w http.ResponseWriter, namespace, action string, result any, requestID string) error {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}}
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
	writeBody(w, http.StatusOK, xmlContentType, buf.Bytes())
	return nil
}

// queryErrorResponse is the query protocol's error document.
type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeQueryError answers with e in the query protocol's error shape; Type
// is Sender for the client's mistakes and Receiver for ours.
func writeQueryError(w http.ResponseWriter, namespace string, e *awserr.Error, requestID string) {
	typ := "Sender"
	if e.HTTPStatus() >= 500 {
		typ = "Receiver"
	}
	body, _ := xml.Marshal(queryErrorResponse{Xmlns: namespace, Type: typ, Code: e.Code, Message: e.Message, RequestID: requestID}) // strings only: cannot fail
	writeBody(w, e.HTTPStatus(), xmlContentType, body)
}

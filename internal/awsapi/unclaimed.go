package awsapi

import (
	"net/http"

	"github.com/moat-dev/moat/internal/awserr"
)

// Unclaimed answers the identity listener's requests no API claims, in AWS
// JSON's error shape since AWS SDKs are the listener's clients; they are
// logged and counted as service and operation "unknown".
func (f *Frame) Unclaimed() http.Handler {
	route := func(r *http.Request, _ []byte) (operation, error) {
		if r.Header.Get("X-Amz-Target") != "" {
			return operation{}, errNoService
		}
		return operation{}, &awserr.Error{
			Code:    awserr.UnknownOperation,
			Message: "No API answers " + r.Method + " " + r.URL.Path + "; AWS JSON requests need an X-Amz-Target header.",
			Status:  http.StatusNotFound,
		}
	}
	return &api{frame: f, wire: jsonProtocol("unknown", route)}
}

// Package webhooksig signs outgoing webhooks as Standard Webhooks
// (standardwebhooks.com) specify, for every webhook moat sends: the event
// outbox's deliverer (package events) and the SMS sender (package sms).
// Each sender keeps its own whsec_ secret rules and messages.
package webhooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
)

// Sign is the webhook-signature value of one request: "v1," and the
// base64 HMAC-SHA256, under key, of id.timestamp.body.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, timestamp)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SetHeaders sets a request's webhook-id, webhook-timestamp (Unix seconds)
// and webhook-signature.
func SetHeaders(h http.Header, key []byte, id string, timestamp int64, body []byte) {
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(timestamp, 10))
	h.Set("webhook-signature", Sign(key, id, timestamp, body))
}

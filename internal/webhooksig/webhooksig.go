// Package webhooksig signs outgoing webhooks as Standard Webhooks
// (standardwebhooks.com) specify, for every webhook moat sends: the event
// outbox's deliverer (package events) and the SMS sender (package sms).
// Each sender words its own refusal of a secret.
package webhooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Why ParseSecret refuses a secret.
var (
	ErrNotWhsec = errors.New("webhooksig: a secret is whsec_ and base64")
	ErrKeySize  = errors.New("webhooksig: a secret's whsec_ part is the base64 of 24 to 64 bytes")
)

// ParseSecret reads a whsec_<base64> secret into its key of 24 to 64 bytes.
func ParseSecret(secret string) ([]byte, error) {
	encoded, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return nil, ErrNotWhsec
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, ErrKeySize
	}
	return key, nil
}

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

package sms

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/webhooksig"
)

func TestWebhookDeliversSignedJSON(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), body}
	}))
	defer srv.Close()
	w, err := NewWebhookSender(srv.URL, secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Send(context.Background(), Message{To: "+15550100", Body: "Your code is 123456"}); err != nil {
		t.Fatal(err)
	}
	d := <-got
	var p payload
	if err := json.Unmarshal(d.body, &p); err != nil || p.Type != "sms.send" || p.Data.To != "+15550100" || p.Data.Message != "Your code is 123456" {
		t.Fatalf("payload %s: %v", d.body, err)
	}
	ts, err := strconv.ParseInt(d.header.Get("webhook-timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)) > time.Minute {
		t.Fatalf("webhook-timestamp %q", d.header.Get("webhook-timestamp"))
	}
	id := d.header.Get("webhook-id")
	if !strings.HasPrefix(id, "msg_") || d.header.Get("webhook-signature") != webhooksig.Sign(key, id, ts, d.body) {
		t.Fatalf("id %q, signature %q", id, d.header.Get("webhook-signature"))
	}
	// A receiver checking against another key, or another body, disagrees.
	if webhooksig.Sign([]byte("another key, another key, another"), id, ts, d.body) == d.header.Get("webhook-signature") ||
		webhooksig.Sign(key, id, ts, append(d.body, ' ')) == d.header.Get("webhook-signature") {
		t.Fatal("the signature does not depend on the key and body")
	}
}

func TestWebhookRefusals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusBadGateway) }))
	defer srv.Close()
	good := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	w, err := NewWebhookSender(srv.URL, good)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Send(context.Background(), Message{To: "+1", Body: "x"}); err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("a 502 answer: %v", err)
	}
	for _, c := range []struct{ url, secret string }{
		{"ftp://example.com", good},
		{srv.URL, "plain-secret"},
		{srv.URL, "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 8))},
	} {
		if _, err := NewWebhookSender(c.url, c.secret); err == nil {
			t.Errorf("NewWebhookSender(%q, %q) accepted", c.url, c.secret)
		}
	}
}

func FuzzParseSecret(f *testing.F) {
	f.Add("whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 32)))
	f.Add("whsec_")
	f.Fuzz(func(t *testing.T, secret string) {
		if key, err := ParseSecret(secret); err == nil && (len(key) < 24 || len(key) > 64) {
			t.Fatalf("accepted a %d-byte key", len(key))
		}
	})
}

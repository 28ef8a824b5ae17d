package main

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/sms"
)

const testWebhookSecret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// Without sms-webhook-url, SMS goes to the log; with it and its secret, to the webhook.
func TestSMSSenderFollowsConfig(t *testing.T) {
	cfg, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := smsSender(cfg, nil); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(sms.LogSender); !ok {
		t.Errorf("without sms-webhook-url SMS goes to a %T", s)
	}
	cfg, err = load(t, []string{"--config", writeFile(t, "sms-webhook-url: https://sms.example.com/send\nsms-webhook-secret: "+testWebhookSecret+"\n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := smsSender(cfg, nil); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(*sms.WebhookSender); !ok {
		t.Errorf("with sms-webhook-url SMS goes to a %T", s)
	}
}

func TestSMSSettingsAreChecked(t *testing.T) {
	cases := map[string]map[string]string{
		"secret missing": {"MOAT_SMS_WEBHOOK_URL": "https://sms.example.com/send"},
		"url missing":    {"MOAT_SMS_WEBHOOK_SECRET": testWebhookSecret},
		"bad scheme":     {"MOAT_SMS_WEBHOOK_URL": "ftp://sms.example.com", "MOAT_SMS_WEBHOOK_SECRET": testWebhookSecret},
		"bad secret":     {"MOAT_SMS_WEBHOOK_URL": "https://sms.example.com/send", "MOAT_SMS_WEBHOOK_SECRET": "hunter2"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := load(t, nil, env)
			if err == nil || !strings.Contains(err.Error(), "sms-webhook") {
				t.Fatalf("got %v, want an error naming the sms-webhook settings", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %v shows the secret", err)
			}
		})
	}
}

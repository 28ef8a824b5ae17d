package main

import (
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/mail"
)

func TestSMTPSettings(t *testing.T) {
	env := map[string]string{
		"MOAT_SMTP_URL":  "smtps://moat:hunter2%2F@mail.example.com",
		"MOAT_SMTP_FROM": "moat <no-reply@example.com>",
	}
	cfg, err := load(t, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTPURL != env["MOAT_SMTP_URL"] || cfg.SMTPFrom != env["MOAT_SMTP_FROM"] {
		t.Errorf("env: smtp-url %q smtp-from %q", cfg.SMTPURL, cfg.SMTPFrom)
	}
	cfg, err = load(t, []string{"--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "a@example.com"}, env)
	if err != nil || cfg.SMTPURL != "smtp://127.0.0.1:2525" || cfg.SMTPFrom != "a@example.com" {
		t.Errorf("flags: smtp-url %q smtp-from %q (%v)", cfg.SMTPURL, cfg.SMTPFrom, err)
	}
	cfg, err = load(t, []string{"--config", writeFile(t, "smtp-url: smtp://mail.example.com\nsmtp-from: a@example.com\n")}, nil)
	if err != nil || cfg.SMTPURL != "smtp://mail.example.com" {
		t.Errorf("file: smtp-url %q (%v)", cfg.SMTPURL, err)
	}
}

func TestSMTPSettingsAreChecked(t *testing.T) {
	cases := map[string]struct {
		env     map[string]string
		mention string
	}{
		"from missing": {map[string]string{"MOAT_SMTP_URL": "smtp://moat:hunter2@mail.example.com"}, "smtp-from is required"},
		"bad scheme":   {map[string]string{"MOAT_SMTP_URL": "http://moat:hunter2@mail.example.com", "MOAT_SMTP_FROM": "a@example.com"}, "smtp-url"},
		"bad from":     {map[string]string{"MOAT_SMTP_URL": "smtp://mail.example.com", "MOAT_SMTP_FROM": "a@example.com\r\nBcc: e@example.com"}, "smtp-from"},
		"unparsable":   {map[string]string{"MOAT_SMTP_URL": "smtp://moat:hunter2 %zz@mail.example.com", "MOAT_SMTP_FROM": "a@example.com"}, "smtp-url"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := load(t, nil, c.env)
			if err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.mention)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %v shows the SMTP password", err)
			}
		})
	}
}

// Without smtp-url, mail goes to the log; with it, to the SMTP server.
func TestMailSenderFollowsConfig(t *testing.T) {
	cfg, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := mailSender(cfg, nil); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(mail.LogSender); !ok {
		t.Errorf("without smtp-url mail goes to a %T", s)
	}
	cfg, err = load(t, nil, map[string]string{"MOAT_SMTP_URL": "smtp://127.0.0.1:2525", "MOAT_SMTP_FROM": "a@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := mailSender(cfg, nil); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(*mail.SMTPSender); !ok {
		t.Errorf("with smtp-url mail goes to a %T", s)
	}
}

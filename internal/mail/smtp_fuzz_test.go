package mail_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/mail"
)

// FuzzNewSMTPSender: any URL and From either make a sender or an error, and
// the error never shows a password that is not also in the URL's other parts.
func FuzzNewSMTPSender(f *testing.F) {
	f.Add("smtp://moat:hunter2hunter2@mail.example.com:587", "moat <no-reply@example.com>")
	f.Add("smtps://moat:hunter2%20x@mail.example.com", "no-reply@example.com")
	f.Add("smtp://moat:hunter 2@mail.example.com", "x")
	f.Add("smtp://:hunter2hunter2@[::1]:99999/path?q#f", "a@b\r\nBcc: c@d")
	f.Add("mailto:hunter2hunter2", "")
	f.Fuzz(func(t *testing.T, rawURL, from string) {
		_, err := mail.NewSMTPSender(rawURL, from)
		if err == nil {
			return
		}
		u, perr := url.Parse(rawURL)
		if perr != nil || u.User == nil {
			return
		}
		password, _ := u.User.Password()
		withoutPassword := strings.Replace(rawURL, password, "", 1) + from
		if len(password) >= 6 && !strings.Contains(withoutPassword, password) && strings.Contains(err.Error(), password) {
			t.Fatalf("error %q shows the password %q", err, password)
		}
	})
}

package mail

import (
	"errors"
	"net/smtp"
	"strings"
)

// plainAuth is SASL PLAIN. net/smtp's PlainAuth is not used because it has
// its own idea of which hosts may receive a password unencrypted; here that
// decision is made once, in SMTPSender.authenticate.
type plainAuth struct{ username, password string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.username + "\x00" + a.password), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge after AUTH PLAIN")
	}
	return nil, nil
}

// loginAuth is the LOGIN mechanism some servers offer instead of PLAIN: the
// server prompts for the user name, then the password.
type loginAuth struct{ username, password string }

func (a loginAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "LOGIN", nil, nil
}

func (a loginAuth) Next(prompt []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(prompt))) {
	case "username:", "user name", "username":
		return []byte(a.username), nil
	case "password:", "password":
		return []byte(a.password), nil
	}
	return nil, errors.New("unexpected AUTH LOGIN prompt")
}

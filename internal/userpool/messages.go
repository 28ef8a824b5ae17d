package userpool

import (
	"context"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

const (
	defaultInviteSubject = "Your temporary password"
	defaultInviteMessage = "Your username is {username} and temporary password is {####}."
)

// sendInvitation mails a new user their temporary password using the pool's
// invitation template, or the CustomMessage hook's, or hands the password
// to the pool's CustomEmailSender. Users without an email get none (SMS is
// not sent).
func (s *Service) sendInvitation(ctx context.Context, p *pool, u store.User, tempPassword string, call signin.Call) error {
	to := u.Attributes["email"]
	if to == "" {
		return nil
	}
	why := messageFor{call, signin.MessageAdminCreateUser}
	if handed, err := s.customSender(ctx, why, signin.SenderEmail, u, tempPassword); err != nil || handed {
		return err
	}
	custom, err := s.customMessage(ctx, why, u, true)
	if err != nil {
		return err
	}
	subject, body := defaultInviteSubject, defaultInviteMessage
	if c := p.Config.AdminCreateUserConfig; c != nil {
		if v := c.InviteMessageTemplate["EmailSubject"]; v != "" {
			subject = v
		}
		if v := c.InviteMessageTemplate["EmailMessage"]; v != "" {
			body = v
		}
	}
	subject, body = customEmail(custom, subject, body)
	body = strings.NewReplacer("{username}", u.Username, "{####}", tempPassword).Replace(body)
	if err := s.mail.Send(ctx, mail.Message{To: to, Subject: subject, Body: body}); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// Purposes a verification code is issued for; one pending code per purpose.
const (
	codeSignUp = "signup"
	codeReset  = "reset"
	codeAttr   = "attr:" // + attribute name
)

const (
	signUpCodeLife    = 24 * time.Hour
	resetCodeLife     = time.Hour
	maxWrongCodeTries = 5
)

// pendingCode is a code awaiting use. Only its MAC is kept: six digits are
// too few to hash without a key, so a stolen database does not yield codes.
type pendingCode struct {
	MAC        string `json:"mac"`
	ExpiresAt  int64  `json:"exp"`
	WrongTries int    `json:"wrong,omitempty"`
}

var (
	errCodeMismatch = awserr.New(awserr.CodeMismatch, "Invalid verification code provided, please try again.")
	errCodeExpired  = awserr.New(awserr.ExpiredCode, "Invalid code provided, please request a code again.")
	errCodeTries    = awserr.New(awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
	errCodeDelivery = awserr.New(awserr.CodeDeliveryFailure, "Unable to deliver the verification code to the user's email address. Request a new code when delivery works again.")
)

func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// codeMAC binds a code to its pool, user and purpose, so a code cannot be
// replayed for another user or flow.
func (s *Service) codeMAC(u store.User, purpose, code string) string {
	m := hmac.New(sha256.New, s.codeKey)
	fmt.Fprintf(m, "%s\x00%s\x00%s\x00%s", u.PoolID, u.Sub, purpose, code)
	return hex.EncodeToString(m.Sum(nil))
}

// issueCode records a fresh code for purpose on the user and returns it.
func (s *Service) issueCode(ctx context.Context, p *pool, u store.User, purpose string, life time.Duration) (string, error) {
	code := newCode()
	_, err := s.users.update(ctx, p.ID, u.Key, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		if st.Codes == nil {
			st.Codes = map[string]pendingCode{}
		}
		st.Codes[purpose] = pendingCode{MAC: s.codeMAC(old, purpose, code), ExpiresAt: s.clock() + int64(life.Seconds())}
		old.State = encodeState(st)
		return old, change{kind: bookkeeping}, nil
	})
	return code, storeErr(err, errUserNotFound)
}

// consumeCode checks a code inside an update of the user: a right code is
// removed (single use), a wrong one counts against a small budget after which
// the code is void.
func (s *Service) consumeCode(u *store.User, st *userState, purpose, code string) error {
	pc, ok := st.Codes[purpose]
	if !ok {
		return errCodeExpired
	}
	if s.clock() > pc.ExpiresAt {
		delete(st.Codes, purpose)
		return errCodeExpired
	}
	if !hmac.Equal([]byte(pc.MAC), []byte(s.codeMAC(*u, purpose, code))) {
		pc.WrongTries++
		if pc.WrongTries >= maxWrongCodeTries {
			delete(st.Codes, purpose)
			return errCodeTries
		}
		st.Codes[purpose] = pc
		return errCodeMismatch
	}
	delete(st.Codes, purpose)
	return nil
}

// CodeDeliveryDetails tells a client where a code went, masked.
type CodeDeliveryDetails struct {
	Destination    string `json:"Destination"`
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

// maskEmail renders an address as Cognito does: a***@e***.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}

// sendCode mails a code to the user's email with the pool's verification
// template and reports the masked destination.
func (s *Service) sendCode(ctx context.Context, p *pool, u store.User, code string, m messageFor) (*CodeDeliveryDetails, error) {
	to := u.Attributes["email"]
	if to == "" {
		return nil, invalidParameter("Cannot send a code: the user has no email address.")
	}
	delivery := &CodeDeliveryDetails{Destination: maskEmail(to), DeliveryMedium: "EMAIL", AttributeName: "email"}
	if handed, err := s.customSender(ctx, m, signin.SenderEmail, u, code); err != nil {
		return nil, err
	} else if handed {
		return delivery, nil
	}
	custom, err := s.customMessage(ctx, m, u, false)
	if err != nil {
		return nil, err
	}
	subject, body := p.verificationTemplate()
	subject, body = customEmail(custom, subject, body)
	body = strings.NewReplacer("{####}", code, "{username}", u.Username).Replace(body)
	if err := s.mail.Send(ctx, mail.Message{To: to, Subject: subject, Body: body}); err != nil {
		// The cause (an SMTP server's answer) is for the operator, not the client.
		s.log.ErrorContext(ctx, "a verification code could not be delivered", "pool", p.ID, "error", err)
		return nil, errCodeDelivery
	}
	return delivery, nil
}

// verificationTemplate is the pool's email for codes: VerificationMessageTemplate
// first, then the older EmailVerificationMessage/Subject, then Cognito's default.
func (p *pool) verificationTemplate() (subject, body string) {
	subject, body = "Your verification code", "Your verification code is {####}."
	if p.Config.EmailVerificationSubject != "" {
		subject = p.Config.EmailVerificationSubject
	}
	if p.Config.EmailVerificationMessage != "" {
		body = p.Config.EmailVerificationMessage
	}
	if t := p.Config.VerificationMessageTemplate; t != nil {
		if t.EmailSubject != "" {
			subject = t.EmailSubject
		}
		if t.EmailMessage != "" {
			body = t.EmailMessage
		}
	}
	return subject, body
}

// decoyDelivery answers a code request for a user that does not exist, when
// the client hides user existence: a stable, plausible masked address, so
// the answer looks like a real one.
func (s *Service) decoyDelivery(poolID, username string) *CodeDeliveryDetails {
	m := hmac.New(sha256.New, s.codeKey)
	fmt.Fprintf(m, "decoy\x00%s\x00%s", poolID, username)
	sum := m.Sum(nil)
	letters := "abcdefghijklmnopqrstuvwxyz"
	local, domain := string(letters[int(sum[0])%26]), string(letters[int(sum[1])%26])
	if strings.Contains(username, "@") {
		return &CodeDeliveryDetails{Destination: maskEmail(username), DeliveryMedium: "EMAIL", AttributeName: "email"}
	}
	return &CodeDeliveryDetails{Destination: local + "***@" + domain + "***", DeliveryMedium: "EMAIL", AttributeName: "email"}
}

// mailCode issues a code for purpose and mails it to the user, and
// remembers how long that took for decoy deliveries to match.
func (s *Service) mailCode(ctx context.Context, p *pool, u store.User, purpose string, life time.Duration, m messageFor) (*CodeDeliveryDetails, error) {
	start := time.Now()
	code, err := s.issueCode(ctx, p, u, purpose, life)
	if err != nil {
		return nil, err
	}
	delivery, err := s.sendCode(ctx, p, u, code, m)
	if err == nil {
		s.delivery.record(time.Since(start))
	}
	return delivery, err
}

// decoyRedeem is redeemCode for a user that does not exist: the same store
// work, and the answer of a wrong code.
func (s *Service) decoyRedeem(ctx context.Context, p *pool) error {
	if err := s.decoyUpdate(ctx, p); err != nil {
		return err
	}
	return errCodeMismatch
}

// redeemCode checks a code inside one atomic update of the user and, when
// it is right, applies the change the code unlocks (ch). A wrong code still
// counts against the code's budget.
func (s *Service) redeemCode(ctx context.Context, p *pool, u store.User, purpose, code string, ch change, apply func(*store.User, *userState)) error {
	var codeErr error
	err := s.updateUserTimed(ctx, u, func(old store.User) (store.User, change, error) {
		st, err := decodeState(old)
		if err != nil {
			return old, change{}, err
		}
		made := change{kind: bookkeeping}
		if codeErr = s.consumeCode(&old, &st, purpose, code); codeErr == nil {
			apply(&old, &st)
			old.UpdatedAt = s.clock()
			made = ch
		}
		old.State = encodeState(st)
		return old, made, nil
	})
	if err != nil {
		return storeErr(err, errUserNotFound)
	}
	return codeErr
}

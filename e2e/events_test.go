package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/testenv"
	"github.com/moat-dev/moat/internal/webhooksig"
)

const eventsTimeout = 30 * time.Second

var webhookSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("e2e webhook secret, 32 bytes ok"))

// hookReceiver is a webhook endpoint: it verifies each delivery's Standard
// Webhooks signature and keeps the events it took, answering down's
// status instead while down is set.
type hookReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	taken []events.Event
	tries map[string]int
	down  int // status answered while not 0
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{tries: map[string]int{}}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(webhookSecret, "whsec_"))
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get("webhook-id")
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		if r.Header.Get("webhook-signature") != webhooksig.Sign(key, id, ts, body) {
			t.Errorf("webhook %s: signature does not verify", id)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var e events.Event
		if err := json.Unmarshal(body, &e); err != nil || e.ID != id {
			t.Errorf("webhook body %s: %v", body, err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.tries[id]++
		if h.down != 0 {
			w.WriteHeader(h.down)
			return
		}
		h.taken = append(h.taken, e)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) setDown(status int) {
	h.mu.Lock()
	h.down = status
	h.mu.Unlock()
}

func (h *hookReceiver) events() []events.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]events.Event(nil), h.taken...)
}

func (h *hookReceiver) attempts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.tries {
		n += c
	}
	return n
}

// natsStream is a JetStream stream of this test's own, removed when it ends.
type natsStream struct {
	url, subject, name string
	js                 jetstream.JetStream
}

func newNATSStream(t *testing.T) *natsStream {
	t.Helper()
	js, url, subject, stream := testenv.JetStreamFor(t, "moat.e2e")
	return &natsStream{url: url, subject: subject, name: stream, js: js}
}

// read is every event the stream holds, oldest first, as a consumer of the
// stream receives them: an ordered consumer from the first message.
func (s *natsStream) read(t *testing.T) []events.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	st, err := s.js.Stream(ctx, s.name)
	if err != nil {
		return nil // not created yet
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs == 0 {
		return nil
	}
	consumer, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := consumer.Fetch(int(info.State.Msgs), jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Event
	for m := range batch.Messages() {
		var e events.Event
		if err := json.Unmarshal(m.Data(), &e); err != nil || m.Headers().Get(jetstream.MsgIDHeader) != e.ID {
			t.Fatalf("message %d: %s (%v)", len(out)+1, m.Data(), err)
		}
		out = append(out, e)
	}
	if err := batch.Error(); err != nil {
		t.Fatalf("consuming the stream: %v", err)
	}
	if uint64(len(out)) != info.State.Msgs {
		t.Fatalf("the consumer received %d of the stream's %d messages", len(out), info.State.Msgs)
	}
	return out
}

// eventsConfig is a config file's events: with a webhook and, when s is
// set, a NATS stream.
func eventsConfig(hook string, s *natsStream, extra string) string {
	c := "events:\n  lease: 5s\n  poll: 50ms\n  targets:\n" +
		"    - name: hook\n      webhook: {url: \"" + hook + "\", secretFromEnv: MOAT_E2E_HOOK_SECRET}\n" +
		"      backoff: 100ms\n      maxBackoff: 500ms\n      timeout: 500ms\n" + extra
	if s != nil {
		c += "    - name: bus\n      nats: {url: \"" + s.url + "\", subject: " + s.subject + ", stream: " + s.name + "}\n      timeout: 500ms\n"
	}
	return c
}

// lifecycleOf keeps the detail-types of one user's events, in order, and
// checks that none carries a secret.
func lifecycleOf(t *testing.T, all []events.Event, sub string, secrets []string) []string {
	t.Helper()
	var out []string
	for _, e := range all {
		raw, _ := json.Marshal(e)
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				t.Fatalf("event %s carries a secret: %s", e.DetailType, raw)
			}
		}
		var d struct {
			Sub string `json:"sub"`
		}
		if err := json.Unmarshal(e.Detail, &d); err == nil && d.Sub == sub {
			out = append(out, e.DetailType)
		}
	}
	return out
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(eventsTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", eventsTimeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// scriptedLife takes a user through every change that has an event, with
// the SDK and codes from the SMTP sink, and returns its sub, the events it
// should have in order, and the secrets none may carry.
func scriptedLife(t *testing.T, m *Moat, c *cip.Client, mail func(addr string) string) (sub string, want, secrets []string) {
	t.Helper()
	ctx := t.Context()
	poolID, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesEnabled)
	user := aws.String("riley")
	up, err := c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: user, Password: aws.String("First-Pass-1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("riley@example.com")}}})
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	code := mail("riley@example.com")
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err = c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: user, ConfirmationCode: &code})
	step("ConfirmSignUp", err)
	if _, err := signInWith(t, c, clientID, "riley", "Wrong-Pass-1"); err == nil {
		t.Fatal("a wrong password signed in")
	}
	tokens, err := signInWith(t, c, clientID, "riley", "First-Pass-1")
	step("sign in", err)
	_, err = c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken, PreviousPassword: aws.String("First-Pass-1"), ProposedPassword: aws.String("Second-Pass-2")})
	step("ChangePassword", err)
	_, err = c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: user})
	step("ForgotPassword", err)
	reset := mail("riley@example.com")
	_, err = c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: user, ConfirmationCode: &reset, Password: aws.String("Third-Pass-3")})
	step("ConfirmForgotPassword", err)
	_, err = c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tokens.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("riley@new.example.com")}}})
	step("UpdateUserAttributes", err)
	verify := mail("riley@new.example.com")
	_, err = c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tokens.AccessToken, AttributeName: aws.String("email"), Code: &verify})
	step("VerifyUserAttribute", err)
	_, err = c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("staff")})
	step("CreateGroup", err)
	_, err = c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: user, GroupName: aws.String("staff")})
	step("AdminAddUserToGroup", err)
	_, err = c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &poolID, Username: user, GroupName: aws.String("staff")})
	step("AdminRemoveUserFromGroup", err)
	_, err = c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: user})
	step("AdminDisableUser", err)
	_, err = c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &poolID, Username: user})
	step("AdminEnableUser", err)
	again, err := signInWith(t, c, clientID, "riley", "Third-Pass-3")
	step("sign in again", err)
	_, err = c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: again.AccessToken})
	step("GlobalSignOut", err)
	_, err = c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: user})
	step("AdminDeleteUser", err)
	want = []string{"User Signed Up", "User Confirmed", "User Sign-In Failed", "User Signed In", "User Password Changed",
		"User Password Reset", "User Attributes Updated", "User Attribute Verified", "User Added To Group", "User Removed From Group",
		"User Disabled", "User Signed Out Globally", "User Enabled", "User Signed In", "User Signed Out Globally", "User Deleted"}
	secrets = []string{"First-Pass-1", "Second-Pass-2", "Third-Pass-3", "Wrong-Pass-1", code, reset, verify,
		*tokens.AccessToken, *tokens.RefreshToken, *tokens.IdToken, *again.AccessToken}
	return aws.ToString(up.UserSub), want, secrets
}

// A consumer on NATS JetStream and a webhook receiver each get every
// change of a scripted user's life, in order, on both backends.
func TestUserLifecycleEventsReachNATSAndWebhook(t *testing.T) {
	forEachBackend(t, func(t *testing.T, opts moatOptions) {
		hook, bus := newHookReceiver(t), newNATSStream(t)
		opts.Config = eventsConfig(hook.URL, bus, "")
		opts.Env = append(opts.Env, "MOAT_E2E_HOOK_SECRET="+webhookSecret)
		m, sink := startMoatWithMail(t, opts)
		sub, want, secrets := scriptedLife(t, m, m.cognito(t), func(addr string) string { return codeFrom(t, sink, addr) })
		for name, got := range map[string]func() []events.Event{"webhook": hook.events, "NATS": func() []events.Event { return bus.read(t) }} {
			waitUntil(t, name+" events", func() bool { return len(lifecycleOf(t, got(), sub, secrets)) >= len(want) })
			if life := lifecycleOf(t, got(), sub, secrets); strings.Join(life, "|") != strings.Join(want, "|") {
				t.Errorf("%s got\n %v\nwant\n %v", name, life, want)
			}
		}
		if log := m.log.String(); strings.Contains(log, webhookSecret) {
			t.Error("moat's log shows the webhook secret")
		}
	})
}

// moat killed with SIGKILL after the changes and before their delivery
// loses none of them: they go out, in order, once it runs again.
func TestKilledMoatLosesNoEvent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, opts moatOptions) {
		hook := newHookReceiver(t)
		hook.setDown(http.StatusServiceUnavailable)
		opts.Config = eventsConfig(hook.URL, nil, "      maxAttempts: 1000\n")
		opts.Env = append(opts.Env, "MOAT_E2E_HOOK_SECRET="+webhookSecret)
		m, sink := startMoatWithMail(t, opts)
		c := m.cognito(t)
		_, clientID := lifecyclePool(t, c, types.PreventUserExistenceErrorTypesEnabled)
		var subs []string
		for i := range 3 {
			up, err := c.SignUp(t.Context(), &cip.SignUpInput{ClientId: &clientID, Username: aws.String(fmt.Sprint("k", i)), Password: aws.String("First-Pass-1"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(fmt.Sprintf("k%d@example.com", i))}}})
			if err != nil {
				t.Fatalf("SignUp: %v", err)
			}
			code := codeFrom(t, sink, fmt.Sprintf("k%d@example.com", i))
			if _, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(fmt.Sprint("k", i)), ConfirmationCode: &code}); err != nil {
				t.Fatalf("ConfirmSignUp: %v", err)
			}
			subs = append(subs, aws.ToString(up.UserSub))
		}
		waitUntil(t, "delivery attempts", func() bool { return hook.attempts() >= 2 })
		m.kill9(t)
		hook.setDown(0)
		m.start(t)
		for _, sub := range subs {
			waitUntil(t, "the events after the restart", func() bool { return len(lifecycleOf(t, hook.events(), sub, nil)) >= 2 })
			if life := lifecycleOf(t, hook.events(), sub, nil); strings.Join(life, "|") != "User Signed Up|User Confirmed" {
				t.Errorf("user %s: events %v", sub, life)
			}
		}
	})
}

// kill9 ends moat with SIGKILL: no shutdown, no lease released.
func (m *Moat) kill9(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL moat: %v", err)
	}
	<-m.exited
	m.cmd = nil
	fmt.Fprintf(m.log, "---- e2e: moat killed with SIGKILL ----\n")
}

// A webhook that fails three times ends in the dead-letter list, which
// moat events dead-letters prints; redriven, it is delivered.
func TestWebhookFailingThreeTimesIsADeadLetter(t *testing.T) {
	hook := newHookReceiver(t)
	hook.setDown(http.StatusInternalServerError)
	opts := moatOptions{Config: eventsConfig(hook.URL, nil, "      maxAttempts: 3\n"), Env: []string{"MOAT_E2E_HOOK_SECRET=" + webhookSecret}}
	m := startMoat(t, opts)
	c := m.cognito(t)
	poolID := createPool(t, c, "dead")
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("casey"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	waitUntil(t, "three attempts", func() bool { return hook.attempts() >= 3 })
	var letters []events.DeadLetter
	waitUntil(t, "the dead letter", func() bool {
		letters = nil
		for _, line := range strings.Split(strings.TrimSpace(m.operator(t, "events", "dead-letters", "--target", "hook")), "\n") {
			var l events.DeadLetter
			if json.Unmarshal([]byte(line), &l) == nil {
				letters = append(letters, l)
			}
		}
		return len(letters) == 1
	})
	var e events.Event
	if err := json.Unmarshal(letters[0].Event, &e); err != nil || e.DetailType != "User Created" || letters[0].Attempts != 3 || !strings.Contains(letters[0].LastError, "HTTP 500") {
		t.Fatalf("dead letter %+v (%v)", letters[0], err)
	}
	time.Sleep(time.Second)
	if n := hook.attempts(); n != 3 {
		t.Fatalf("a dead letter was tried again: %d attempts", n)
	}
	hook.setDown(0)
	if out := m.operator(t, "events", "redrive", "--target", "hook", "--event", e.ID); !strings.Contains(out, "1 dead letters of hook") {
		t.Fatalf("redrive said %q", out)
	}
	waitUntil(t, "the redriven event", func() bool { return len(hook.events()) == 1 })
	if status := m.operator(t, "events", "status"); !strings.Contains(status, "hook") {
		t.Fatalf("status:\n%s", status)
	}
}

// operator runs a moat subcommand against this moat's store and config.
func (m *Moat) operator(t *testing.T, args ...string) string {
	t.Helper()
	args = append(args, "--data-dir", m.options.DataDir)
	if m.options.DatabaseURL != "" {
		args = append(args, "--database-url", m.options.DatabaseURL)
	}
	if m.options.Config != "" {
		args = append(args, "--config", m.options.DataDir+"/moat-test.yaml")
	}
	cmd := exec.Command(moatBinary, args...)
	cmd.Env = append(os.Environ(), m.options.Env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("moat %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

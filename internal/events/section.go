package events

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/configfile"
)

// Section is the config file's events: where user-change events go.
//
//	events:
//	  targets:
//	    - name: crm
//	      webhook: {url: "https://crm.example.com/moat", secretFromEnv: CRM_WEBHOOK_SECRET}
//	    - name: bus
//	      nats: {url: "nats://127.0.0.1:4222", subject: moat.events, stream: MOAT_EVENTS}
//	      maxAttempts: 20
type Section struct {
	Targets []TargetConfig `yaml:"targets"`
	// Retention is how long delivered events stay in the outbox (168h).
	Retention time.Duration `yaml:"retention,omitempty"`
	// Poll is how often an idle target looks for new events (250ms).
	Poll time.Duration `yaml:"poll,omitempty"`
	// Lease is how long the delivering replica's claim lasts unrenewed
	// (30s): another replica, or this one restarted after a crash, takes
	// over delivery that long after it stopped.
	Lease time.Duration `yaml:"lease,omitempty"`
}

// TargetConfig is one receiver: a webhook or a NATS JetStream subject.
type TargetConfig struct {
	// Name identifies the target in the store (its cursor, its dead
	// letters): renaming a target starts it afresh.
	Name    string         `yaml:"name"`
	Webhook *WebhookConfig `yaml:"webhook,omitempty"`
	NATS    *NATSConfig    `yaml:"nats,omitempty"`
	// MaxAttempts is how many failures make an event a dead letter (15).
	MaxAttempts int `yaml:"maxAttempts,omitempty"`
	// Backoff is the wait after a first failure (1s), doubled after each
	// further one up to MaxBackoff (1h).
	Backoff    time.Duration `yaml:"backoff,omitempty"`
	MaxBackoff time.Duration `yaml:"maxBackoff,omitempty"`
	// Timeout bounds one attempt (10s).
	Timeout time.Duration `yaml:"timeout,omitempty"`
}

// WebhookConfig is an HTTP endpoint events are POSTed to, signed with a
// Standard Webhooks secret (whsec_…) read from the environment or a file.
type WebhookConfig struct {
	URL            string `yaml:"url"`
	SecretFromEnv  string `yaml:"secretFromEnv,omitempty"`
	SecretFromFile string `yaml:"secretFromFile,omitempty"`
}

// NATSConfig is a JetStream subject prefix events are published under.
type NATSConfig struct {
	URL     string `yaml:"url"`
	Subject string `yaml:"subject"`
	// Stream, when set, is created to capture subject.> if it does not exist.
	Stream string `yaml:"stream,omitempty"`
}

var (
	targetName  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	natsSubject = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
	streamName  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate checks the section without reading secrets; errors name the
// setting (targets[1].webhook.url). The config file's decoder calls it.
func (s Section) Validate() error {
	var errs []error
	bad := func(at, format string, args ...any) { errs = append(errs, configfile.Errorf(at, format, args...)) }
	for _, d := range []struct {
		name  string
		value time.Duration
	}{{"retention", s.Retention}, {"poll", s.Poll}, {"lease", s.Lease}} {
		if d.value < 0 {
			bad(d.name, "must not be negative")
		}
	}
	seen := map[string]bool{}
	for i, t := range s.Targets {
		at := configfile.Index("targets", i)
		if !targetName.MatchString(t.Name) {
			bad(at+".name", "%q is not a name of letters, digits, '.', '_' or '-' (at most 64)", t.Name)
		}
		if seen[t.Name] {
			bad(at+".name", "%q is declared twice", t.Name)
		}
		seen[t.Name] = true
		switch {
		case (t.Webhook == nil) == (t.NATS == nil):
			bad(at, "set exactly one of webhook or nats")
		case t.Webhook != nil:
			u, err := url.Parse(t.Webhook.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad(at+".webhook.url", "%q is not an http:// or https:// URL", t.Webhook.URL)
			}
			if (t.Webhook.SecretFromEnv == "") == (t.Webhook.SecretFromFile == "") {
				bad(at+".webhook", "set one of secretFromEnv or secretFromFile (a whsec_ secret the receiver verifies signatures with)")
			}
		case t.NATS != nil:
			if u, err := url.Parse(t.NATS.URL); err != nil || !strings.HasPrefix(u.Scheme, "nats") && u.Scheme != "tls" || u.Host == "" {
				bad(at+".nats.url", "%q is not a nats:// URL", redactNATS(t.NATS.URL))
			}
			if !natsSubject.MatchString(t.NATS.Subject) {
				bad(at+".nats.subject", "%q is not a subject of dot-separated tokens without wildcards (moat.events)", t.NATS.Subject)
			}
			if t.NATS.Stream != "" && !streamName.MatchString(t.NATS.Stream) {
				bad(at+".nats.stream", "%q is not a stream name of letters, digits, '_' or '-'", t.NATS.Stream)
			}
		}
		if t.MaxAttempts < 0 {
			bad(at+".maxAttempts", "must be at least 1")
		}
		for _, d := range []struct {
			name  string
			value time.Duration
		}{{"backoff", t.Backoff}, {"maxBackoff", t.MaxBackoff}, {"timeout", t.Timeout}} {
			if d.value < 0 {
				bad(at+"."+d.name, "must not be negative")
			}
		}
		if t.Backoff > 0 && t.MaxBackoff > 0 && t.MaxBackoff < t.Backoff {
			bad(at+".maxBackoff", "is shorter than backoff")
		}
		if t.Timeout > 5*time.Minute {
			bad(at+".timeout", "must be at most 5m")
		}
		if need := leaseFor(or(t.Timeout, defaultTimeout)); s.Lease != 0 && s.Lease < need {
			bad("lease", "%v is too short for target %s: a lease must outlast three attempts (at least %v)", s.Lease, t.Name, need)
		}
	}
	return errors.Join(errs...)
}

// Build makes the targets, reading webhook secrets and connecting to NATS
// (in the background: a server that is down is retried). Close them with
// the Deliverer that runs them.
func (s Section) Build(lookupEnv func(string) (string, bool)) ([]*Target, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var out []*Target
	fail := func(err error) ([]*Target, error) {
		for _, t := range out {
			_ = t.Transport.Close()
		}
		return nil, err
	}
	for i, c := range s.Targets {
		at := fmt.Sprintf("targets[%d]", i)
		t := &Target{Name: c.Name, MaxAttempts: or(c.MaxAttempts, 15), Backoff: or(c.Backoff, time.Second),
			MaxBackoff: or(c.MaxBackoff, time.Hour), Timeout: or(c.Timeout, defaultTimeout)}
		t.MaxBackoff = max(t.MaxBackoff, t.Backoff)
		var err error
		if c.Webhook != nil {
			var secret string
			if secret, err = readSecret(c.Webhook, lookupEnv); err == nil {
				t.Transport, err = NewWebhook(c.Webhook.URL, secret)
			}
			if err != nil {
				return fail(fmt.Errorf("%s.webhook: %w", at, err))
			}
		} else if t.Transport, err = NewNATS(c.NATS.URL, c.NATS.Subject, c.NATS.Stream); err != nil {
			return fail(fmt.Errorf("%s.nats: %w", at, err))
		}
		out = append(out, t)
	}
	return out, nil
}

const defaultTimeout = 10 * time.Second

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// readSecret reads a webhook secret; errors name the variable or file, never the value.
func readSecret(c *WebhookConfig, lookupEnv func(string) (string, bool)) (string, error) {
	if c.SecretFromEnv != "" {
		v, ok := lookupEnv(c.SecretFromEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("environment variable %s is not set", c.SecretFromEnv)
		}
		return v, nil
	}
	b, err := os.ReadFile(c.SecretFromFile)
	if err != nil {
		return "", fmt.Errorf("cannot read secret file %s", c.SecretFromFile)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

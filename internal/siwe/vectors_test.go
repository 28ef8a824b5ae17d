package siwe

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/testenv"
)

// vectorDir holds spruceid/siwe's test/ vectors (see shared/testdata/README.md).
const vectorDir = "../../../shared/testdata/siwe"

// loadVectors reads one vector file, checks it holds the expected number
// of cases (so a truncated file cannot pass quietly) and returns the cases
// sorted by name.
func loadVectors[T any](t testing.TB, file string, want int) ([]string, map[string]T) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorDir, file))
	if errors.Is(err, os.ErrNotExist) {
		testenv.Missing(t, "the SIWE vectors at "+vectorDir, "check out the shared testdata beside the repository")
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]T
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(cases) != want {
		t.Fatalf("%s holds %d cases, want %d", file, len(cases), want)
	}
	return slices.Sorted(maps.Keys(cases)), cases
}

// vectorFields is a message as the vectors write it, as fields, plus the
// verification vectors' extras.
type vectorFields struct {
	Scheme         *string         `json:"scheme"`
	Domain         string          `json:"domain"`
	Address        string          `json:"address"`
	Statement      *string         `json:"statement"`
	URI            string          `json:"uri"`
	Version        string          `json:"version"`
	ChainID        json.RawMessage `json:"chainId"`
	Nonce          string          `json:"nonce"`
	IssuedAt       *string         `json:"issuedAt"`
	ExpirationTime *string         `json:"expirationTime"`
	NotBefore      *string         `json:"notBefore"`
	RequestID      *string         `json:"requestId"`
	Resources      []string        `json:"resources"`

	Signature     string `json:"signature"`
	Time          string `json:"time"`
	DomainBinding string `json:"domainBinding"`
	MatchNonce    string `json:"matchNonce"`
}

// message builds a Message from the fields the way a caller would (times
// through ParseTimestamp) and validates it.
func (f vectorFields) message() (*Message, error) {
	m := &Message{
		Domain: f.Domain, Address: f.Address, Statement: f.Statement, URI: f.URI,
		Version: f.Version, Nonce: f.Nonce, RequestID: f.RequestID, Resources: f.Resources,
	}
	if f.Scheme != nil {
		m.Scheme = *f.Scheme
	}
	if f.ChainID != nil {
		if err := json.Unmarshal(f.ChainID, &m.ChainID); err != nil {
			return nil, err
		}
	}
	var err error
	if f.IssuedAt != nil {
		if m.IssuedAt, err = ParseTimestamp(*f.IssuedAt); err != nil {
			return nil, err
		}
	}
	for _, opt := range []struct {
		text *string
		out  **Timestamp
	}{{f.ExpirationTime, &m.ExpirationTime}, {f.NotBefore, &m.NotBefore}} {
		if opt.text == nil {
			continue
		}
		ts, err := ParseTimestamp(*opt.text)
		if err != nil {
			return nil, err
		}
		*opt.out = &ts
	}
	return m, m.Validate()
}

func TestParsingPositiveVectors(t *testing.T) {
	type vector struct {
		Message string       `json:"message"`
		Fields  vectorFields `json:"fields"`
	}
	names, cases := loadVectors[vector](t, "parsing_positive.json", 19)
	for _, name := range names {
		v := cases[name]
		t.Run(name, func(t *testing.T) {
			got, err := ParseMessage(v.Message)
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			want, err := v.Fields.message()
			if err != nil {
				t.Fatalf("building from fields: %v", err)
			}
			if got.String() != v.Message {
				t.Errorf("parsed message does not write back as itself:\n got %q\nwant %q", got.String(), v.Message)
			}
			if want.String() != v.Message {
				t.Errorf("message built from the fields differs:\n got %q\nwant %q", want.String(), v.Message)
			}
			assertSameFields(t, got, want)
		})
	}
}

func assertSameFields(t *testing.T, got, want *Message) {
	t.Helper()
	str := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	ts := func(p *Timestamp) any {
		if p == nil {
			return nil
		}
		return p.String()
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"scheme", got.Scheme, want.Scheme},
		{"domain", got.Domain, want.Domain},
		{"address", got.Address, want.Address},
		{"statement", str(got.Statement), str(want.Statement)},
		{"uri", got.URI, want.URI},
		{"version", got.Version, want.Version},
		{"chainId", got.ChainID, want.ChainID},
		{"nonce", got.Nonce, want.Nonce},
		{"issuedAt", got.IssuedAt.String(), want.IssuedAt.String()},
		{"issuedAt instant", got.IssuedAt.Time().UnixNano(), want.IssuedAt.Time().UnixNano()},
		{"expirationTime", ts(got.ExpirationTime), ts(want.ExpirationTime)},
		{"notBefore", ts(got.NotBefore), ts(want.NotBefore)},
		{"requestId", str(got.RequestID), str(want.RequestID)},
		{"resources", len(got.Resources), len(want.Resources)},
	} {
		if f.got != f.want {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if !slices.Equal(got.Resources, want.Resources) {
		t.Errorf("resources = %q, want %q", got.Resources, want.Resources)
	}
}

func TestParsingNegativeVectors(t *testing.T) {
	names, cases := loadVectors[string](t, "parsing_negative.json", 29)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMessage(cases[name])
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("error %v does not wrap ErrInvalidMessage", err)
			}
			t.Log(err)
		})
	}
}

// TestParsingNegativeObjectVectors builds each object as a caller would; it
// must not yield a valid Message.
func TestParsingNegativeObjectVectors(t *testing.T) {
	// Go's types refuse this one before moat's code sees it: a chain ID of
	// "?" cannot be put in a uint64.
	rejectedByType := map[string]bool{"not a valid chainId": true}
	names, cases := loadVectors[vectorFields](t, "parsing_negative_objects.json", 18)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			m, err := cases[name].message()
			switch {
			case err == nil:
				t.Fatalf("accepted: %q", m)
			case rejectedByType[name]:
				var typeErr *json.UnmarshalTypeError
				if !errors.As(err, &typeErr) {
					t.Fatalf("want a type error, got %v", err)
				}
			case !errors.Is(err, ErrInvalidMessage):
				t.Fatalf("error %v does not wrap ErrInvalidMessage", err)
			}
		})
	}
}

func (f vectorFields) options(t *testing.T) VerifyOptions {
	opts := VerifyOptions{Domain: f.DomainBinding, Nonce: f.MatchNonce}
	if f.Time != "" {
		now, err := time.Parse(time.RFC3339Nano, f.Time)
		if err != nil {
			t.Fatal(err)
		}
		opts.Now = now
	}
	return opts
}

func TestVerificationPositiveVectors(t *testing.T) {
	names, cases := loadVectors[vectorFields](t, "verification_positive.json", 4)
	for _, name := range names {
		v := cases[name]
		t.Run(name, func(t *testing.T) {
			m, err := v.message()
			if err != nil {
				t.Fatal(err)
			}
			opts := v.options(t)
			// Also bind everything the vector allows, so each check runs.
			opts.Scheme, opts.Domain, opts.URI, opts.Nonce = "https", m.Domain, m.URI, m.Nonce
			opts.ChainIDs = []uint64{m.ChainID}
			if err := m.Verify(context.Background(), v.Signature, opts); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			parsed, err := ParseMessage(m.String())
			if err != nil {
				t.Fatalf("ParseMessage(String()): %v", err)
			}
			if err := parsed.Verify(context.Background(), v.Signature, opts); err != nil {
				t.Fatalf("Verify after parsing: %v", err)
			}
		})
	}
}

func TestVerificationNegativeVectors(t *testing.T) {
	// The reason each vector states, as the sentinel it must produce.
	want := map[string]error{
		"expired message":        ErrExpired,
		"domain binding":         ErrDomainMismatch,
		"custom time":            ErrExpired,
		"custom nonce":           ErrNonceMismatch,
		"malformed signature":    ErrMalformedSignature,
		"wrong signature":        ErrInvalidSignature,
		"not yet valid":          ErrNotYetValid,
		"invalid issuedAt":       ErrInvalidMessage,
		"invalid notBefore":      ErrInvalidMessage,
		"invalid expirationTime": ErrInvalidMessage,
	}
	names, cases := loadVectors[vectorFields](t, "verification_negative.json", len(want))
	for _, name := range names {
		v := cases[name]
		t.Run(name, func(t *testing.T) {
			reason, ok := want[name]
			if !ok {
				t.Fatal("no expected reason for this vector")
			}
			m, err := v.message()
			if err == nil {
				err = m.Verify(context.Background(), v.Signature, v.options(t))
			}
			if !errors.Is(err, reason) {
				t.Fatalf("got %v, want %v", err, reason)
			}
			t.Log(err)
		})
	}
}

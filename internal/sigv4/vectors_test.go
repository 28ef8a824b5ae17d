package sigv4

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/testenv"
)

const (
	suiteDir          = "../../../shared/testdata/sigv4"
	suiteAccessKey    = "AKIDEXAMPLE"
	suiteSecret       = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteSessionToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// suiteVerifier verifies the suite's requests; sts cases use temporary
// credentials, all others long-term ones.
func suiteVerifier(sessionToken string) *Verifier {
	return &Verifier{
		Service: "service",
		Region:  "us-east-1",
		Now:     func() time.Time { return suiteTime },
		Lookup: func(_ context.Context, id, _ string) (Credential, bool, error) {
			if id != suiteAccessKey {
				return Credential{}, false, nil
			}
			return Credential{SecretAccessKey: suiteSecret, SessionToken: sessionToken}, true, nil
		},
	}
}

type suiteCase struct {
	name                        string
	req, creq, sts, authz, sreq string
}

func loadSuite(t *testing.T) []suiteCase {
	t.Helper()
	if _, err := os.Stat(suiteDir); err != nil {
		testenv.Missing(t, "the SigV4 test suite at "+suiteDir, "check out the shared testdata beside the repository")
	}
	var cases []suiteCase
	err := filepath.WalkDir(suiteDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".req") {
			return err
		}
		base := strings.TrimSuffix(path, ".req")
		read := func(ext string) string {
			b, err := os.ReadFile(base + ext)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		name, _ := filepath.Rel(suiteDir, filepath.Dir(path))
		cases = append(cases, suiteCase{name, read(".req"), read(".creq"), read(".sts"), read(".authz"), read(".sreq")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 31 {
		t.Fatalf("found %d suite cases, want 31", len(cases))
	}
	return cases
}

func TestSuiteVectors(t *testing.T) {
	for _, c := range loadSuite(t) {
		t.Run(c.name, func(t *testing.T) {
			token := ""
			if strings.HasPrefix(c.name, "post-sts-token") {
				token = suiteSessionToken
			}
			v := suiteVerifier(token)

			r, body, err := parseRawRequest(c.req)
			if err != nil {
				t.Fatal(err)
			}
			var a authParams
			if err := parseAuthorizationHeader(r, c.authz, &a); err != nil {
				t.Fatalf("parse %q: %v", c.authz, err)
			}
			s := getScratch()
			defer s.release()
			creq, err := v.canonicalize(s, r, &a, body)
			if err != nil {
				t.Fatal(err)
			}
			if string(creq) != c.creq {
				t.Errorf("canonical request:\n%s\nwant:\n%s", creq, c.creq)
			}
			if sts := string(s.appendStringToSign(nil, &a, creq)); sts != c.sts {
				t.Errorf("string to sign:\n%s\nwant:\n%s", sts, c.sts)
			}

			r, body, err = parseRawRequest(c.sreq)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(context.Background(), r, body)
			if err != nil {
				t.Fatalf("Verify signed request: %v", err)
			}
			if res.AccessKeyID != suiteAccessKey || res.Region != "us-east-1" || res.Service != "service" || !res.SignedAt.Equal(suiteTime) {
				t.Errorf("result %+v", res)
			}

			// One byte changed in what was signed, or in the signature, must fail.
			for what, mutate := range map[string]func(string) string{
				"method":    func(s string) string { return strings.ToLower(s[:1]) + s[1:] },
				"signature": flipLastSignatureChar,
			} {
				t.Run("mutated "+what, func(t *testing.T) {
					r, body, err := parseRawRequest(mutate(c.sreq))
					if err != nil {
						t.Fatal(err)
					}
					_, err = v.Verify(context.Background(), r, body)
					wantError(t, err, awserr.InvalidSignature, "The request signature we calculated does not match")
				})
			}
		})
	}
}

func flipLastSignatureChar(sreq string) string {
	i := strings.Index(sreq, "Signature=") + len("Signature=") + 63
	flipped := byte('0')
	if sreq[i] == '0' {
		flipped = '1'
	}
	return sreq[:i] + string(flipped) + sreq[i+1:]
}

// wantError checks err is an *awserr.Error with the code, a message that
// starts with prefix, and Status left for the wire layer.
func wantError(t *testing.T, err error, code, prefix string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok {
		t.Fatalf("got %v, want %s %q…", err, code, prefix)
	}
	if e.Code != code || !strings.HasPrefix(e.Message, prefix) {
		t.Fatalf("got %s %q, want %s %q…", e.Code, e.Message, code, prefix)
	}
	if code != awserr.InternalError && e.Status != 0 {
		t.Fatalf("status %d set; the wire layer picks it", e.Status)
	}
}

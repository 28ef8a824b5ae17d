package functions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/configfile"
)

const echoPython = `
VERSION = "v1"

def handler(event, context):
    return {"version": VERSION, "event": event}
`

// decodeSection reads functions: as the config file gives it.
func decodeSection(t *testing.T, yaml string) (Section, error) {
	t.Helper()
	var file struct {
		Functions Section `yaml:"functions"`
	}
	err := configfile.Decode([]byte(yaml), &file)
	return file.Functions, err
}

// The section's problems are found as the file is read, each named by its
// key, all at once.
func TestSectionValidation(t *testing.T) {
	role := "role: " + testRole
	cases := map[string]struct{ yaml, want string }{
		"both code and url":   {"functions: [{name: a, runtime: python3.12, handler: m.h, " + role + ", code: d, url: 'http://x'}]", "functions[0]: give either code (a directory or a .zip) or url"},
		"neither":             {"functions: [{name: a, " + role + "}]", "functions[0]: give either code"},
		"bad name":            {"functions: [{name: 'a b', " + role + ", url: 'http://x'}]", "functions[0].name: 1 validation error detected: Value 'a b' at 'functionName'"},
		"twice":               {"functions: [{name: a, " + role + ", url: 'http://x'}, {name: a, " + role + ", url: 'http://y'}]", `functions[1].name: "a" is declared twice`},
		"runtime":             {"functions: [{name: a, runtime: java8, handler: x, " + role + ", code: d}]", "functions[0]: The runtime parameter of java8 is not supported by moat"},
		"memory":              {"functions: [{name: a, runtime: python3.12, handler: m.h, " + role + ", code: d, memorySize: 64}]", "functions[0]: 1 validation error detected: Value '64' at 'memorySize'"},
		"concurrency":         {"functions: [{name: a, " + role + ", url: 'http://x', reservedConcurrency: -1}]", "functions[0].reservedConcurrency: must be 0 or more"},
		"url":                 {"functions: [{name: a, " + role + ", url: 'ftp://x'}]", `functions[0]: The endpoint URL "ftp://x" must be an absolute http or https URL.`},
		"reserved variable":   {"functions: [{name: a, " + role + ", url: 'http://x', environment: {AWS_REGION: x}}]", "Reserved keys used in this request: AWS_REGION"},
		"unknown key":         {"functions: [{name: a, " + role + ", url: 'http://x', memory: 128}]", "functions[0].memory: unknown key"},
		"a number that isn't": {"functions: [{name: a, " + role + ", url: 'http://x', timeout: soon}]", `functions[0].timeout: "soon" is not a whole number`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeSection(t, c.yaml)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant an error containing %q", err, c.want)
			}
		})
	}
	_, err := decodeSection(t, "functions: [{name: 'a b', "+role+", url: 'http://x'}, {name: c, "+role+"}]")
	if err == nil || !strings.Contains(err.Error(), "functions[0].name") || !strings.Contains(err.Error(), "functions[1]: give either") {
		t.Fatalf("got %v, want both problems", err)
	}
}

// Apply creates what the file declares (from a directory and from a .zip),
// leaves it be when run again, and brings it back to the file after the
// file (or the API) changed it.
func TestSectionApply(t *testing.T) {
	r, _ := newTestRuntime(t, nil)
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "echo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "lambda_function.py"), echoPython)
	write(filepath.Join(base, "zipped.zip"), string(zipOf(t, map[string]string{"lambda_function.py": echoPython})))
	configFile := filepath.Join(base, "moat.yaml")
	yaml := `functions:
  - {name: from-dir, runtime: python3.12, handler: lambda_function.handler, role: "` + testRole + `", code: echo, timeout: 7, environment: {STAGE: one}, reservedConcurrency: 2}
  - {name: from-zip, runtime: python3.12, handler: lambda_function.handler, role: "` + testRole + `", code: zipped.zip}
  - {name: remote, role: "` + testRole + `", url: "http://127.0.0.1:1/invoke"}
`
	apply := func(yaml string) {
		t.Helper()
		s, err := decodeSection(t, yaml)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, r, configFile); err != nil {
			t.Fatal(err)
		}
	}
	get := func(name string) Function {
		t.Helper()
		f, err := r.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	invoke := func(name string) string {
		t.Helper()
		res, err := r.Invoke(ctx, Request{Function: name})
		if err != nil || res.FunctionError != "" {
			t.Fatalf("invoke %s: %v %s", name, err, res.Payload)
		}
		return string(res.Payload)
	}

	apply(yaml)
	dirFn, zipFn, remote := get("from-dir"), get("from-zip"), get("remote")
	if dirFn.Timeout != 7 || dirFn.Variables["STAGE"] != "one" || dirFn.ReservedConcurrency != 2 || dirFn.MemorySize != DefaultMemorySize {
		t.Fatalf("from-dir as declared: %+v", dirFn)
	}
	if zipFn.CodeSha256 != codeSha256(zipOf(t, map[string]string{"lambda_function.py": echoPython})) {
		t.Fatalf("from-zip: %+v", zipFn)
	}
	if remote.URL != "http://127.0.0.1:1/invoke" || remote.CodeSha256 != "" {
		t.Fatalf("remote: %+v", remote)
	}
	if got := invoke("from-dir"); !strings.Contains(got, `"version": "v1"`) {
		t.Fatalf("from-dir answered %s", got)
	}

	apply(yaml) // again, as every replica does at start: nothing changes
	if again := get("from-dir"); again.RevisionID != dirFn.RevisionID || again.CodeSha256 != dirFn.CodeSha256 {
		t.Fatalf("a second Apply changed from-dir: %+v → %+v", dirFn, again)
	}
	if again := get("from-zip"); again.RevisionID != zipFn.RevisionID {
		t.Fatal("a second Apply changed from-zip")
	}

	// The code and settings change in the file, and the API changed a setting meanwhile.
	write(filepath.Join(dir, "lambda_function.py"), strings.Replace(echoPython, "v1", "v2", 1))
	if _, err := r.UpdateConfiguration(ctx, "from-zip", Change{Timeout: ptr(int64(30))}); err != nil {
		t.Fatal(err)
	}
	apply(strings.Replace(strings.Replace(yaml, "STAGE: one", "STAGE: two", 1), ", reservedConcurrency: 2", "", 1))
	changed := get("from-dir")
	if changed.CodeSha256 == dirFn.CodeSha256 || changed.Variables["STAGE"] != "two" || changed.ReservedConcurrency != -1 {
		t.Fatalf("from-dir not brought to the file: %+v", changed)
	}
	if got := invoke("from-dir"); !strings.Contains(got, `"version": "v2"`) {
		t.Fatalf("from-dir after its code changed answered %s", got)
	}
	if got := get("from-zip"); got.Timeout != DefaultTimeout {
		t.Fatalf("from-zip keeps the API's timeout %d; the file says the default", got.Timeout)
	}

	// A declaration the store refuses names the function.
	bad := yaml + `  - {name: no-role, runtime: python3.12, handler: lambda_function.handler, role: "arn:aws:iam::000000000000:role/missing", code: echo}` + "\n"
	s, err := decodeSection(t, bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, r, configFile); err == nil || !strings.Contains(err.Error(), "functions[3]: The role defined for the function cannot be assumed by Lambda.") {
		t.Fatalf("Apply with a role moat lacks: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

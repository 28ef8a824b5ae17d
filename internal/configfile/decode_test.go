package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type limit struct {
	Rate  float64 `yaml:"rateLimit"`
	Burst int     `yaml:"burstLimit"`
}

func (l limit) Validate() error {
	if l.Rate < 0 {
		return Errorf("rateLimit", "must be ≥ 0")
	}
	return nil
}

type plan struct {
	Name     string           `yaml:"name"`
	Enabled  *bool            `yaml:"enabled,omitempty"`
	Throttle *limit           `yaml:"throttle,omitempty"`
	Methods  map[string]limit `yaml:"methods,omitempty"`
	Keys     []string         `yaml:"keys,omitempty"`
	Note     upper            `yaml:"note,omitempty"`
}

// upper decodes itself, as iam.Document does.
type upper string

func (u *upper) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a note is one line of text", n.Line)
	}
	*u = upper(strings.ToUpper(n.Value))
	return nil
}

// plans is a section of two keys, inlined into the file.
type plans struct {
	Plans []plan `yaml:"plans"`
	Names []string
}

func (p plans) Validate() error {
	var errs []error
	for i, pl := range p.Plans {
		for j, k := range pl.Keys {
			if k == "missing" {
				errs = append(errs, Errorf(Index(Index("plans", i)+".keys", j), "%q is not a declared key", k))
			}
		}
	}
	return errors.Join(errs...)
}

type file struct {
	Region string `yaml:"region"`
	Port   int    `yaml:"port"`
	Plans  plans  `yaml:",inline"`
	Skip   string `yaml:"-"`
}

func decodeFile(t *testing.T, src string) (file, error) {
	t.Helper()
	f := file{Region: "us-east-1", Port: 80}
	err := Decode([]byte(src), &f)
	return f, err
}

func TestDecode(t *testing.T) {
	f, err := decodeFile(t, `
region: eu-west-1
plans:
  - name: gold
    enabled: false
    throttle: {rateLimit: 1.5, burstLimit: 3}
    methods: {"/pets/GET": {rateLimit: 2, burstLimit: 1}}
    keys: [a, b]
    note: hello
names: [x]
`)
	if err != nil {
		t.Fatal(err)
	}
	off := false
	want := file{Region: "eu-west-1", Port: 80, Plans: plans{Names: []string{"x"}, Plans: []plan{{
		Name: "gold", Enabled: &off, Throttle: &limit{1.5, 3}, Methods: map[string]limit{"/pets/GET": {2, 1}},
		Keys: []string{"a", "b"}, Note: "HELLO",
	}}}}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
}

func TestDecodeNamesTheKeyPath(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"unknown top-level key":  {"regoin: x\n", "regoin: unknown key (did you mean region?)"},
		"unknown key, far off":   {"zzzzzzzz: x\n", "zzzzzzzz: unknown key; the keys here are names, plans, port, region"},
		"unknown nested key":     {"plans: [{name: a}, {name: b, throttle: {rateLimt: 1}}]\n", "plans[1].throttle.rateLimt: unknown key (did you mean rateLimit?)"},
		"type":                   {"plans: [{throttle: {rateLimit: fast}}]\n", `plans[0].throttle.rateLimit: "fast" is not a number`},
		"list for a number":      {"port: [1]\n", "port: must be a whole number, not a list"},
		"mapping for a list":     {"plans: {name: a}\n", "plans: must be a list, not a mapping"},
		"scalar for a mapping":   {"plans: [gold]\n", `plans[0]: must be a mapping of keys to values, not "gold"`},
		"validator in a map":     {"plans: [{methods: {\"/pets/GET\": {rateLimit: -1}}}]\n", `plans[0].methods["/pets/GET"].rateLimit: must be ≥ 0`},
		"validator of a section": {"plans: [{keys: [a, missing]}]\n", `plans[0].keys[1]: "missing" is not a declared key`},
		"own unmarshaler":        {"plans: [{note: [a]}]\n", "plans[0].note: line 1: a note is one line of text"},
		"duplicate key":          {"region: a\nport: 1\nregion: b\n", "region: appears twice (lines 1 and 3)"},
		"skipped field":          {"Skip: x\n", "Skip: unknown key"},
		"not a mapping":          {"- a\n- b\n", "the file must be a mapping"},
		"alias of itself":        {"&a [*a]", "anchor 'a' value contains itself"},
		"syntax":                 {"region: [\n", "did not find expected node content"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeFile(t, c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestDecodeNullAndEmpty(t *testing.T) {
	for _, src := range []string{"", "~\n", "# nothing\n", "region:\nport: ~\n"} {
		f, err := decodeFile(t, src)
		if err != nil || f.Region != "us-east-1" || f.Port != 80 {
			t.Errorf("%q: %+v, %v; want the defaults kept", src, f, err)
		}
	}
}

func TestDecodeMergeKeys(t *testing.T) {
	f, err := decodeFile(t, `
base: &base {rateLimit: 1, burstLimit: 2}
`[1:]+"")
	if err == nil {
		t.Fatalf("an undeclared key holding an anchor was accepted: %+v", f)
	}
	f, err = decodeFile(t, `
plans:
  - name: a
    throttle: &t {rateLimit: 1, burstLimit: 2}
  - name: b
    throttle: {<<: *t, burstLimit: 9}
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := *f.Plans.Plans[1].Throttle; got != (limit{1, 9}) {
		t.Fatalf("merged throttle %+v, want rate 1 from the anchor and burst 9 set beside it", got)
	}
}

func TestPaths(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Key("", "usagePlans"), "usagePlans"},
		{Index("usagePlans", 1), "usagePlans[1]"},
		{Key(Index("usagePlans", 1), "throttle"), "usagePlans[1].throttle"},
		{Key("throttle", "/pets/GET"), `throttle["/pets/GET"]`},
		{Join("usagePlans[1]", "throttle.rateLimit"), "usagePlans[1].throttle.rateLimit"},
		{Join("usagePlans", "[0]"), "usagePlans[0]"},
		{At("roles[0]", errors.New("bad")).Error(), "roles[0]: bad"},
		{At("usagePlans[2]", Errorf("quota.limit", "must be ≥ 0")).Error(), "usagePlans[2].quota.limit: must be ≥ 0"},
		{At("a", errors.Join(Errorf("b", "x"), Errorf("c", "y"))).Error(), "a.b: x\na.c: y"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// FuzzDecode holds the strict decoder to yaml.v3's: a file it accepts,
// yaml.v3 accepts too (strictly) and decodes to the same values, and a file
// yaml.v3 accepts strictly it accepts unless a Validate refuses it or a key
// is empty (yaml.v3 lets a null key through; no section has one).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"region: eu\nplans: [{name: a, throttle: {rateLimit: 1, burstLimit: 2}, keys: [x]}]\n",
		"plans: [{methods: {\"/a/GET\": {rateLimit: 1}}, enabled: yes}]\nnames: [a, b]\n",
		"plans: [{throttle: &t {rateLimit: 1}}, {throttle: *t}]\n",
		"plans: [{throttle: {<<: {rateLimit: 3}, burstLimit: 1}}]\n",
		"region: !!binary aGVsbG8=\nport: 0x10\n",
		"plans: [{note: a}]\nport: ~\n",
		"&a [*a]", "- a", "region: a\nregion: b\n", "plans: [{name: [1]}]\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		mine, err := decodeFile(t, src)
		theirs := file{Region: "us-east-1", Port: 80}
		dec := yaml.NewDecoder(bytes.NewReader([]byte(src)))
		dec.KnownFields(true)
		theirErr := dec.Decode(&theirs)
		if theirErr != nil && theirErr.Error() == "EOF" {
			theirErr = nil
		}
		var refused *Error
		switch {
		case err == nil && theirErr != nil:
			t.Fatalf("accepted what yaml.v3 refuses (%v): %+v", theirErr, mine)
		case err == nil && !reflect.DeepEqual(mine, theirs):
			t.Fatalf("decoded %+v, yaml.v3 %+v", mine, theirs)
		case err != nil && theirErr == nil && !(errors.As(err, &refused) && (validationRefused(theirs) || strings.HasSuffix(refused.Path, `[""]`))):
			t.Fatalf("refused what yaml.v3 accepts (%+v): %v", theirs, err)
		}
	})
}

// validationRefused says whether a Validate in file refuses it.
func validationRefused(f file) bool {
	if f.Plans.Validate() != nil {
		return true
	}
	for _, p := range f.Plans.Plans {
		if p.Throttle != nil && p.Throttle.Validate() != nil {
			return true
		}
		for _, m := range p.Methods {
			if m.Validate() != nil {
				return true
			}
		}
	}
	return false
}

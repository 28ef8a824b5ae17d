package configfile

import (
	"strings"
	"testing"
)

func testReferences() *References {
	r := NewReferences()
	r.Declare(UserPoolRef, "shop", "us-east-1_AbC123xyz")
	r.Declare(UserPoolClientRef, "shop/web", "clientid0123456789abcdefgh")
	r.Declare(IdentityPoolRef, "shop", "us-east-1:0b5e7a36-9a8a-5d0e-8c77-6f6f0f3b1d6a")
	return r
}

func TestExpand(t *testing.T) {
	r := testReferences()
	for in, want := range map[string]string{
		"${userPool:shop}": "us-east-1_AbC123xyz",
		"pool ${userPool:shop}, ${identityPool:shop}": "pool us-east-1_AbC123xyz, us-east-1:0b5e7a36-9a8a-5d0e-8c77-6f6f0f3b1d6a",
		"aud ${userPoolClient:shop/web}!":             "aud clientid0123456789abcdefgh!",
		// Not references: stage variables, IAM policy variables, $context, words of no kind.
		"${stageVariables.backend}/x":               "${stageVariables.backend}/x",
		"${cognito-identity.amazonaws.com:sub}":     "${cognito-identity.amazonaws.com:sub}",
		"${aws:username} $context.error.message ${": "${aws:username} $context.error.message ${",
		"": "",
	} {
		got, err := r.Expand(in)
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"${userPool:bakery}":               "${userPool:bakery} names no user pool of userPools: (declared: shop)",
		"${role:admin}":                    "${role:admin} names no role of roles: (none is declared)",
		"${userpool:shop}":                 "${userpool: is no kind of reference (did you mean ${userPool:?)",
		"${userPool:}":                     `"${userPool:}" names nothing`,
		"x ${userPool:shop":                `"${userPool:shop" is not closed with }`,
		"${userPoolClient:shop}":           "${userPoolClient:shop} names no app client",
		"${identityPool:${userPool:shop}}": "names nothing",
	} {
		if _, err := r.Expand(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Expand(%q): %v; want an error with %q", in, err, want)
		}
	}
}

func TestWhole(t *testing.T) {
	for in, want := range map[string]string{"${userPool:shop}": "shop", "${userPool:a b}": "a b"} {
		if name, ok := Whole(in, UserPoolRef); !ok || name != want {
			t.Errorf("Whole(%q) = %q, %v", in, name, ok)
		}
	}
	for _, in := range []string{"${userPool:}", "x${userPool:shop}", "${userPool:shop}x", "${role:shop}", "${userPool:a}${userPool:b}"} {
		if name, ok := Whole(in, UserPoolRef); ok {
			t.Errorf("Whole(%q) = %q, want none", in, name)
		}
	}
}

// ExpandAll walks a decoded section by its YAML keys, and its errors name
// the key path.
func TestExpandAllNamesTheKeyPath(t *testing.T) {
	type route struct {
		Body    string            `yaml:"body"`
		Headers map[string]string `yaml:"headers"`
		Secret  string            `yaml:"-"`
	}
	type api struct {
		Name   string  `yaml:"name"`
		Routes []route `yaml:"routes"`
		Next   *route  `yaml:"next"`
	}
	v := api{Name: "n", Routes: []route{{Body: "${userPool:shop}", Headers: map[string]string{"X-Pool": "${identityPool:shop}"}, Secret: "${userPool:nope}"}}, Next: &route{Body: "${userPoolClient:shop/web}"}}
	if err := testReferences().ExpandAll(&v, "apis[0]"); err != nil {
		t.Fatal(err)
	}
	if v.Routes[0].Body != "us-east-1_AbC123xyz" || v.Routes[0].Headers["X-Pool"] != "us-east-1:0b5e7a36-9a8a-5d0e-8c77-6f6f0f3b1d6a" ||
		v.Next.Body != "clientid0123456789abcdefgh" || v.Routes[0].Secret != "${userPool:nope}" {
		t.Errorf("expanded: %+v %+v", v, *v.Next)
	}
	bad := api{Routes: []route{{}, {Headers: map[string]string{"X-Pool": "${userPool:nope}"}}}}
	err := testReferences().ExpandAll(&bad, "apis[3]")
	if err == nil || !strings.HasPrefix(err.Error(), `apis[3].routes[1].headers.X-Pool: ${userPool:nope} names no user pool`) {
		t.Errorf("got %v", err)
	}
}

// FuzzExpand: any text either expands or is refused, never panics; text
// without "${" is returned as it is, and an expansion holds no reference
// left to expand.
func FuzzExpand(f *testing.F) {
	for _, seed := range []string{"${userPool:shop}", "a ${userPoolClient:shop/web} b", "${stageVariables.x}", "${", "${userPool:", "${userpool:x}", "${role:}", "${identityPool:shop}${userPool:shop}", "${x:${userPool:shop}}", "$${userPool:shop}}"} {
		f.Add(seed)
	}
	r := testReferences()
	f.Fuzz(func(t *testing.T, s string) {
		out, err := r.Expand(s)
		if err != nil {
			return
		}
		if !strings.Contains(s, "${") && out != s {
			t.Fatalf("Expand(%q) = %q: changed text without a reference", s, out)
		}
		for kind := range refKinds {
			if strings.Contains(out, "${"+kind+":") && !strings.Contains(s, "${"+kind+":") {
				t.Fatalf("Expand(%q) = %q: made a reference", s, out)
			}
		}
	})
}

package userpool

import "testing"

func TestParseUserFilter(t *testing.T) {
	cases := []struct {
		in   string
		want userFilter
		ok   bool
	}{
		{``, userFilter{}, true},
		{`email = "a@example.com"`, userFilter{"email", "a@example.com", false}, true},
		{`email^="a@"`, userFilter{"email", "a@", true}, true},
		{`  given_name  ^=  "Jo"  `, userFilter{"given_name", "Jo", true}, true},
		{`name = "say \"hi\""`, userFilter{"name", `say "hi"`, false}, true},
		{`cognito:user_status = "CONFIRMED"`, userFilter{"cognito:user_status", "CONFIRMED", false}, true},
		{`email = a@example.com`, userFilter{}, false},
		{`email == "x"`, userFilter{}, false},
		{`custom:x = "y"`, userFilter{}, false},
		{`email = "unterminated`, userFilter{}, false},
		{`email = "a"b"`, userFilter{}, false},
		{`= "x"`, userFilter{}, false},
	}
	for _, c := range cases {
		got, err := parseUserFilter(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseUserFilter(%q) = %+v, %v; want %+v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseUserFilter(f *testing.F) {
	for _, s := range []string{`email = "a"`, `email ^= "\"\\"`, `status = "Enabled"`, `x`, `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		f, err := parseUserFilter(s)
		if err == nil && f.Attribute != "" && !filterableAttributes[f.Attribute] {
			t.Fatalf("accepted unfilterable attribute %q", f.Attribute)
		}
	})
}

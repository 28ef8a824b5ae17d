package userpool

import (
	"strings"
	"testing"
)

// FuzzCheckCSS: any CSS is judged without panicking, and CSS that could
// load anything is never accepted.
func FuzzCheckCSS(f *testing.F) {
	f.Add(".banner-customizable { color: red; }")
	f.Add(".submitButton-customizable:hover{background:#000}.label-customizable{}")
	f.Add(".banner-customizable{background:url(x)}")
	f.Add("}{")
	f.Fuzz(func(t *testing.T, css string) {
		if checkCSS(css) == nil && strings.Contains(strings.ToLower(css), "url(") {
			t.Fatalf("accepted %q", css)
		}
	})
}

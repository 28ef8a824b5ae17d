package mailtest

import (
	"testing"
)

func TestCode(t *testing.T) {
	for body, want := range map[string]string{
		"Your code is 123456.":              "123456",
		"123456":                            "123456",
		"order 1234567, then code 654321":   "654321",
		"codes 12345 and 000001 and 999999": "000001",
		"no code here":                      "",
		"٣٣٣٣٣٣ is not ASCII":               "",
	} {
		if got := Code(body); got != want {
			t.Errorf("Code(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestParseRefusesLongLines(t *testing.T) {
	raw := "Subject: x\r\n\r\n" + string(make([]byte, 999)) + "\r\n"
	if _, err := Parse([]byte(raw)); err == nil {
		t.Fatal("Parse accepted a 999-octet line")
	}
}

// FuzzParse: arbitrary input is parsed or refused, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("From: a@b.c\r\nSubject: =?utf-8?b?w6k=?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nx=3Dy=\r\n"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+\r\n--b--\r\n"))
	f.Add([]byte("Content-Type: image/png\r\n\r\n"))
	f.Add([]byte("no header"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = Parse(raw)
	})
}

package lambdaevent

import (
	"errors"
	"net/http"
	"reflect"
	"testing"
)

func always(string) bool { return true }

func TestParseV1MergesHeadersAndDecodes(t *testing.T) {
	res, err := ParseV1([]byte(`{"statusCode":201,"headers":{"X-One":"a","Set-Cookie":"lost","Content-Length":"9"},
		"multiValueHeaders":{"set-cookie":["a=1","b=2"]},"body":"aGk=","isBase64Encoded":true}`), always)
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{"X-One": {"a"}, "Set-Cookie": {"a=1", "b=2"}, "Content-Type": {"application/json"}}
	if res.Status != 201 || string(res.Body) != "hi" || !reflect.DeepEqual(res.Header, want) {
		t.Fatalf("%+v", res)
	}
	// Not a binary media type (REST): the base64 text goes as it is.
	res, err = ParseV1([]byte(`{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`), func(string) bool { return false })
	if err != nil || string(res.Body) != "aGk=" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestParseV1RefusesOtherShapes(t *testing.T) {
	for _, answer := range []string{
		`"hello"`, `null`, `[]`, `{}`, `{"statusCode":"200"}`, `{"statusCode":200,"body":{"a":1}}`,
		`{"statusCode":200,"headers":{"X":1}}`, `{"statusCode":99}`, `{"statusCode":600}`,
		`{"statusCode":200,"headers":{"Bad Name":"x"}}`, `{"statusCode":200,"headers":{"X":"a\r\nInjected: 1"}}`,
		`{"statusCode":200,"body":"!!","isBase64Encoded":true}`, `not json`,
	} {
		if _, err := ParseV1([]byte(answer), always); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want malformed", answer, err)
		}
	}
}

func TestParseV2InfersBareValues(t *testing.T) {
	for answer, body := range map[string]string{
		`"Hello"`:           "Hello",
		`{"message":"x"}`:   `{"message":"x"}`,
		` 42 `:              "42",
		`[1,2]`:             "[1,2]",
		`{"statusCodes":1}`: `{"statusCodes":1}`,
	} {
		res, err := ParseV2([]byte(answer))
		if err != nil || res.Status != 200 || string(res.Body) != body || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %+v %v", answer, res, err)
		}
	}
	res, err := ParseV2([]byte(`{"statusCode":302,"headers":{"location":"/x"},"cookies":["a=1; Path=/","b=2"],"body":""}`))
	if err != nil || res.Status != 302 || res.Header.Get("Location") != "/x" || !reflect.DeepEqual(res.Header["Set-Cookie"], []string{"a=1; Path=/", "b=2"}) {
		t.Fatalf("%+v %v", res, err)
	}
	for _, answer := range []string{`not json`, `{"statusCode":"x"}`, `{"statusCode":200,"cookies":"a=1"}`, ``} {
		if _, err := ParseV2([]byte(answer)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want malformed", answer, err)
		}
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, seed := range []string{`{"statusCode":200,"headers":{"a":"b"},"multiValueHeaders":{"c":["d"]},"body":"x"}`,
		`{"statusCode":200,"cookies":["a=b"],"body":"eA==","isBase64Encoded":true}`, `"hello"`, `{}`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, answer []byte) {
		for _, parse := range []func([]byte) (Response, error){
			func(b []byte) (Response, error) { return ParseV1(b, always) }, ParseV2,
		} {
			res, err := parse(answer)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v is not ErrMalformed", err)
				}
				continue
			}
			if res.Status < 200 || res.Status > 599 {
				t.Fatalf("status %d", res.Status)
			}
			// Whatever a function answers, the gateway can send it.
			w := &headerCheck{h: http.Header{}}
			for k, v := range res.Header {
				if k == "Content-Length" || k == "Transfer-Encoding" || k == "Connection" {
					t.Fatalf("hop-by-hop header %s passed", k)
				}
				w.h[k] = v
			}
			w.check(t)
		}
	})
}

type headerCheck struct{ h http.Header }

func (c *headerCheck) check(t *testing.T) {
	for k, vs := range c.h {
		if !validName(k) {
			t.Fatalf("header name %q", k)
		}
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if v[i] == '\r' || v[i] == '\n' || v[i] == 0 {
					t.Fatalf("header %s value %q", k, v)
				}
			}
		}
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == ':' {
			return false
		}
	}
	return true
}

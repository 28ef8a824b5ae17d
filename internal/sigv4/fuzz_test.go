package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary Authorization headers, query strings, paths and
// dates through Verify: it must return, never panic, and never accept a
// request unless the signature really matches.
func FuzzVerify(f *testing.F) {
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	f.Add(auth, "", "/", "20150830T123600Z")
	f.Add(auth, "Param1=value1", "/./example", "20150830T123600Z")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=60", "/a%20b/", "")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "a=%zz&&=&+=+", "//..//%", "2015")
	f.Add("Bearer abc", "X-Amz-Expires=99999999999999999999", "http://h", "Sun, 30 Aug 2015 12:36:00 GMT")
	f.Add("AWS4-HMAC-SHA256 ,,,=,Credential==", "X-Amz-Signature", "", "20150830T123600Z")
	v := suiteVerifier("")
	f.Fuzz(func(t *testing.T, authorization, rawQuery, path, date string) {
		r := &http.Request{
			Method:     http.MethodGet,
			URL:        &url.URL{Path: path, RawQuery: rawQuery},
			RequestURI: path + "?" + rawQuery,
			Host:       "example.amazonaws.com",
			Header:     http.Header{"Authorization": {authorization}, "X-Amz-Date": {date}, "Date": {date}},
		}
		res, err := v.Verify(context.Background(), r, nil)
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
		if err != nil && res != nil {
			t.Fatal("result with error")
		}
		if err == nil && !strings.Contains(authorization+rawQuery, "Signature=") {
			t.Fatalf("accepted without a signature: %q %q", authorization, rawQuery)
		}
	})
}

// headerValues finds what http.Header.Values finds, for any name a client
// can put in SignedHeaders.
func FuzzHeaderValues(f *testing.F) {
	for _, s := range []string{"x-amz-date", "content-type", "X-AMZ-DATE", "x amz", "a--b", "-x", "ü", "x_y", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		h := http.Header{}
		h.Add(name, "v1")
		h.Add(name, "v2")
		if got, want := headerValues(h, name), h.Values(name); !slices.Equal(got, want) {
			t.Fatalf("%q: %q, want %q", name, got, want)
		}
	})
}

// The pooled HMAC is crypto/hmac's, over any message and key, reused.
func FuzzHexHMAC(f *testing.F) {
	f.Add([]byte("key"), []byte(""))
	f.Add([]byte{0xff}, []byte("AWS4-HMAC-SHA256\n20150830T123600Z\n"))
	f.Fuzz(func(t *testing.T, seed, msg []byte) {
		key := sha256.Sum256(seed)
		s := getScratch()
		defer s.release()
		for range 2 {
			m := hmac.New(sha256.New, key[:])
			m.Write(msg)
			if got, want := string(s.hexHMAC(&key, msg)), hex.EncodeToString(m.Sum(nil)); got != want {
				t.Fatalf("%s, want %s", got, want)
			}
		}
	})
}

// setCredential takes exactly five slash-separated parts, as splitting on
// every slash would, and keeps the scope after the key id whole.
func FuzzSetCredential(f *testing.F) {
	for _, s := range []string{"AKID/20150830/us-east-1/service/aws4_request", "////", "a/b/c/d", "a/b/c/d/e/f", "", "/a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, credential string) {
		var a authParams
		err := a.setCredential(credential)
		parts := strings.Split(credential, "/")
		if (err == nil) != (len(parts) == 5) {
			t.Fatalf("%q: error %v with %d parts", credential, err, len(parts))
		}
		if err != nil {
			return
		}
		got := []string{a.accessKeyID, a.scopeDate, a.region, a.service, a.terminator}
		if !slices.Equal(got, parts) || a.scope != strings.Join(parts[1:], "/") {
			t.Fatalf("%q: %q scope %q", credential, got, a.scope)
		}
	})
}

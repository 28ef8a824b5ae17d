package functions

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"testing"
)

// FuzzParseReference: whatever a caller sends as FunctionName, a reference
// read from it is a valid name, and its ARN reads back as the same reference.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"orders", "orders:$LATEST", "000000000000:function:orders", "000000000000:function:orders:v1",
		"arn:aws:lambda:us-east-1:000000000000:function:orders", "arn:aws:lambda:us-east-1:000000000000:function:orders:prod",
		"arn:aws:lambda:eu-west-1:000000000000:function:orders", "orders:", ":", "a:b:c", "arn:aws:lambda"} {
		f.Add(s)
	}
	r := &Runtime{region: "us-east-1", account: "000000000000"}
	f.Fuzz(func(t *testing.T, s string) {
		ref, ok := r.parseReference(s)
		if !ok {
			return
		}
		if !nameRE.MatchString(ref.name) {
			t.Fatalf("%q: accepted the name %q", s, ref.name)
		}
		if again, ok := r.parseReference(r.qualified(ref)); !ok || again != ref {
			t.Fatalf("%q: %+v, its ARN %q reads as %+v (%v)", s, ref, r.qualified(ref), again, ok)
		}
	})
}

// FuzzDecodeClientContext: X-Amz-Client-Context is accepted only as the
// base64 of a JSON object, and reaches the runtime as that object.
func FuzzDecodeClientContext(f *testing.F) {
	for _, s := range []string{"", base64.StdEncoding.EncodeToString([]byte(`{"custom":{"a":"b"}}`)), "e30=", "bnVsbA==", "!!", "W10="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := decodeClientContext(s)
		if err != nil || s == "" {
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(got), &obj) != nil || obj == nil {
			t.Fatalf("%q: accepted %q, not a JSON object", s, got)
		}
	})
}

// FuzzCheckZip: any bytes given as a function's code are refused or
// accepted without a panic, and what is accepted unpacks.
func FuzzCheckZip(f *testing.F) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	if fw, err := w.Create("bootstrap"); err == nil {
		_, _ = fw.Write([]byte("#!/bin/sh\n"))
	}
	_ = w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("not a zip"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkZip(b) != nil {
			return
		}
		_ = unzipTo(b, t.TempDir())
	})
}

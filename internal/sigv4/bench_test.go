package sigv4

import (
	"context"
	"testing"
)

// BenchmarkVerify is a typical admin call (get-header-key-duplicate-sized
// headers, a JSON body) with a warm signing-key cache.
func BenchmarkVerify(b *testing.B) {
	r, body, err := parseRawRequest("POST / HTTP/1.1\nContent-Type:application/x-www-form-urlencoded\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a\n\nParam1=value1")
	if err != nil {
		b.Fatal(err)
	}
	v := suiteVerifier("")
	ctx := context.Background()
	if _, err := v.Verify(ctx, r, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, r, body); err != nil {
			b.Fatal(err)
		}
	}
}

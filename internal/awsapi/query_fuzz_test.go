package awsapi

import (
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
)

// FuzzDecodeQuery: any parameter string decodes or is refused with an
// *awserr.Error, never a panic; decoded requests' list readers behave too.
func FuzzDecodeQuery(f *testing.F) {
	for _, seed := range []string{
		"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D",
		"Action=CreateRole&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=k2",
		"Action=CreateRole&Tags.member.01.Key=k",
		"Action=CreateRole&Tags.member.99999999999999999999.Key=k",
		"Action=A&Action=B",
		"Action=%ZZ",
		"Action=%00",
		"Action=%FF",
		"Action=ListRoles&MaxItems=abc&Marker=***",
		"",
		"&&&=&=",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, form string) {
		q, err := DecodeQuery(form)
		if err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("DecodeQuery(%q): %v is not an *awserr.Error", form, err)
			}
			return
		}
		if q.Action == "" {
			t.Fatalf("DecodeQuery(%q) accepted a request without an Action", form)
		}
		if _, err := q.Structs("Tags"); err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("Structs: %v", err)
			}
		}
		if _, err := q.Int("MaxItems", "maxItems"); err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("Int: %v", err)
			}
		}
	})
}

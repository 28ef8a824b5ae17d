package iamapi

import (
	"net/url"
	"testing"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
)

// FuzzPaginate: any MaxItems and Marker give a page or an *awserr.Error.
func FuzzPaginate(f *testing.F) {
	for _, seed := range [][2]string{{"2", ""}, {"abc", "***"}, {"0", "YQ"}, {"1001", ""}, {"99999999999999999999", "Yg"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, maxItems, marker string) {
		q, err := awsapi.DecodeQuery(url.Values{"Action": {"ListRoles"}, "MaxItems": {maxItems}, "Marker": {marker}}.Encode())
		if err != nil {
			return
		}
		page, _, err := paginate(q, []string{"a", "b", "c"}, func(s string) string { return s })
		if err != nil {
			if _, ok := awserr.As(err); !ok {
				t.Fatalf("paginate: %v is not an *awserr.Error", err)
			}
			return
		}
		if len(page) > 3 {
			t.Fatalf("page %v", page)
		}
	})
}

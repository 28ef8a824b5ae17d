package oauth

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/userpool"
)

func testLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The pool's CSS and logo dress its hosted pages; a client's own replaces
// the pool's; CSS for anything but the customizable classes, or that would
// load something, is refused.
func TestUICustomization(t *testing.T) {
	tb := newTestbed(t)
	ctx := context.Background()
	c := tb.client(false, "code")
	other := tb.client(false, "code")
	for _, css := range []string{"body{color:red}", ".banner-customizable{background:url(https://evil.example/x)}", ".banner-customizable{color:red"} {
		_, err := tb.pools.SetUICustomization(ctx, &userpool.SetUICustomizationInput{UserPoolId: tb.poolID, CSS: css})
		if e, ok := awserr.As(err); !ok || e.Code != awserr.InvalidParameter {
			t.Fatalf("CSS %q: %v", css, err)
		}
	}
	if _, err := tb.pools.SetUICustomization(ctx, &userpool.SetUICustomizationInput{UserPoolId: tb.poolID, ImageFile: []byte("GIF89a")}); err == nil {
		t.Fatal("a GIF logo was accepted")
	}
	pool := ".banner-customizable { background-color: #2d1b4e; }\n.submitButton-customizable { background-color: #7b2cbf; }"
	set, err := tb.pools.SetUICustomization(ctx, &userpool.SetUICustomizationInput{UserPoolId: tb.poolID, CSS: pool, ImageFile: testLogo(t)})
	if err != nil || set.UICustomization.ClientId != "ALL" || set.UICustomization.ImageUrl == "" || set.UICustomization.CSS != pool {
		t.Fatalf("SetUICustomization: %+v %v", set, err)
	}
	if _, err := tb.pools.SetUICustomization(ctx, &userpool.SetUICustomizationInput{UserPoolId: tb.poolID, ClientId: other.ClientId,
		CSS: ".submitButton-customizable { background-color: #0a7d32; }"}); err != nil {
		t.Fatal(err)
	}
	got, err := tb.pools.GetUICustomization(ctx, &userpool.GetUICustomizationInput{UserPoolId: tb.poolID, ClientId: c.ClientId})
	if err != nil || got.UICustomization.CSS != pool {
		t.Fatalf("a client without its own gets the pool's: %+v %v", got, err)
	}

	cssLink := regexp.MustCompile(`href="(/hosted/custom\.css\?[^"]+)"`)
	fetch := func(clientID string) (css string, logo bool) {
		page := tb.browser().get(authorizeQuery(clientID, ""))
		m := cssLink.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no custom CSS on the page:\n%s", page.body)
		}
		res, err := http.Get(tb.url + unescape(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return string(body), strings.Contains(page.body, `src="/hosted/logo?`)
	}
	if css, logo := fetch(c.ClientId); css != pool || !logo {
		t.Fatalf("the pool's look: css %q, logo %v", css, logo)
	}
	if css, logo := fetch(other.ClientId); !strings.Contains(css, "#0a7d32") || logo {
		t.Fatalf("the client's own look: css %q, logo %v", css, logo)
	}
}

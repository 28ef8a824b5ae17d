package oauth

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrQuietZone is the margin QR readers need, in modules (ISO/IEC 18004).
const qrQuietZone = 4

// qrSVG draws content as a QR code in inline SVG, one path of dark
// modules, so the page needs no image service and no script. The markup is
// made here from numbers alone, which is what makes it safe to inline.
func qrSVG(content, label string) (template.HTML, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	size := code.Bounds().Dx()
	var path strings.Builder
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+qrQuietZone, y+qrQuietZone)
			}
		}
	}
	side := size + 2*qrQuietZone
	return template.HTML(fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`+
		`<rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		side, side, template.HTMLEscapeString(label), path.String())), nil
}

// totpURI is the otpauth URI authenticator apps read from the QR code:
// the pool as the issuer, the user as the account (Key URI Format).
func totpURI(issuer, username, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(username)
	return "otpauth://totp/" + label + "?" + url.Values{"secret": {secret}, "issuer": {issuer},
		"algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}.Encode()
}

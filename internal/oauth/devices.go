package oauth

import (
	"net/http"

	"github.com/moat-dev/moat/internal/userpool"
)

// "Remember this device": a browser the pool remembers (its
// DeviceConfiguration) keeps the device's token in a cookie, and the
// engine lets it stand in for the second factor on the next sign-in.

const deviceCookie = "cognito-device"

// deviceCookieOf names the device cookie of a pool, as sessionCookieOf
// names the session's.
func deviceCookieOf(r *http.Request, poolID string) string {
	if _, onDomain := r.Context().Value(domainPoolKey{}).(string); onDomain {
		return deviceCookie
	}
	return deviceCookie + "-" + poolID
}

// deviceToken is the browser's remembered-device token for the pool, if any.
func (p *Provider) deviceToken(r *http.Request, poolID string) string {
	c, err := r.Cookie(deviceCookieOf(r, poolID))
	if err != nil {
		return ""
	}
	return c.Value
}

// maxDeviceName bounds the device name taken from the browser's User-Agent.
const maxDeviceName = 128

// rememberBrowser remembers the browser a sign-in finished in when the
// pool remembers every device, or this one was asked to be (the
// rememberDevice box the code pages show); a browser already remembered
// stays the device it is.
func (p *Provider) rememberBrowser(w http.ResponseWriter, r *http.Request, step *userpool.HostedStep) {
	hp, err := p.pools.DescribeHostedPool(r.Context(), step.User.PoolID)
	if err != nil {
		p.log.Error("hosted device", "err", err)
		return
	}
	asked := hp.Remembering == userpool.RememberOnPrompt && r.PostFormValue("rememberDevice") == "on"
	if hp.Remembering != userpool.RememberAlways && !asked {
		return
	}
	name := r.UserAgent()
	if len(name) > maxDeviceName {
		name = name[:maxDeviceName]
	}
	token, err := p.pools.HostedRememberDevice(r.Context(), p.caller(r), step.User, name, p.deviceToken(r, step.User.PoolID))
	if err != nil {
		p.log.Error("hosted device", "err", err) // the sign-in stands; the browser is not remembered
		return
	}
	p.setCookie(w, deviceCookieOf(r, step.User.PoolID), token, userpool.HostedDeviceLifetime)
}

package cognitoidp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/waf"
)

// WAFGuard puts the web ACL associated with a user pool in front of the
// pool's public operations, as Cognito's native WAF integration does: the
// pool is the request's UserPoolId, its ClientId's pool, or the issuer of
// its access token. A blocked request gets Cognito's ForbiddenException
// (403), or the web ACL's custom response.
func WAFGuard(firewall *waf.Service, clients store.Clients, region, account string) awsapi.Guard {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, operation string, body []byte) (bool, error) {
		if !firewall.ProtectsUserPools() {
			return false, nil // the common case costs nothing
		}
		poolID, clientID := poolOf(ctx, clients, body)
		if poolID == "" {
			return false, nil
		}
		acl := firewall.Protection(waf.UserPoolARN(region, account, poolID))
		if acl == nil {
			return false, nil
		}
		client, _ := netip.ParseAddr(awsapi.RequestFrom(ctx).SourceIP)
		view := waf.View(r, r.URL.Path, client, body, acl.BodyLimit(waf.ResourceCognitoUserPool))
		// Cognito tells the WAF which client and operation a call is for.
		view.Header = r.Header.Clone()
		view.Header.Set("X-Amzn-Cognito-Operation-Name", operation)
		if clientID != "" {
			view.Header.Set("X-Amzn-Cognito-Client-Id", clientID)
		}
		d := acl.Evaluate(ctx, view)
		if !d.Blocked() {
			return false, nil
		}
		if d.Response == nil {
			return false, &awserr.Error{Code: "ForbiddenException", Message: "Request not allowed due to WAF block.", Status: http.StatusForbidden}
		}
		d.Response.Write(w)
		return true, nil
	}
}

// poolOf finds the user pool a public call is for.
func poolOf(ctx context.Context, clients store.Clients, body []byte) (poolID, clientID string) {
	var call struct {
		UserPoolId  string
		ClientId    string
		AccessToken string
	}
	if json.Unmarshal(body, &call) != nil {
		return "", ""
	}
	if call.ClientId != "" {
		if c, err := clients.FindClient(ctx, call.ClientId); err == nil {
			return c.PoolID, call.ClientId
		}
	}
	if call.UserPoolId != "" {
		return call.UserPoolId, call.ClientId
	}
	if call.AccessToken != "" {
		return issuerPool(call.AccessToken), ""
	}
	return "", call.ClientId
}

// issuerPool reads the pool from an access token's iss claim, unverified:
// it only picks the web ACL, and the operation verifies the token itself.
func issuerPool(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.Iss[strings.LastIndexByte(claims.Iss, '/')+1:]
}

package cognitoproxy

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/moat-dev/moat/internal/sealing"
)

// The tokens the proxy hands out. A refresh token always goes to the client
// wrapped: sealed together with the username its SECRET_HASH needs (Cognito
// asks for one on refresh, and neither the client's request nor the opaque
// token names the user). With sealTokens, an ID or access token keeps its
// header and claims, which clients read (expiry, sub, groups), but its
// signature is sealed: the upstream refuses the token until the proxy has
// opened the signature again. Each kind is bound to its use, and a refresh
// token to its app client, so one cannot pass for another.

// refreshPrefix marks a wrapped refresh token.
const refreshPrefix = "moatrt1."

type tokenKeys struct{ key sealing.DataKey }

type wrappedRefresh struct {
	Username string `json:"u"`
	Token    string `json:"t"`
}

func refreshAAD(clientID string) []byte { return []byte("cognito-proxy refresh token\x00" + clientID) }

func (k tokenKeys) wrapRefresh(clientID, username, token string) string {
	plain, _ := json.Marshal(wrappedRefresh{Username: username, Token: token}) // two strings
	return refreshPrefix + base64.RawURLEncoding.EncodeToString(k.key.SealBox(plain, refreshAAD(clientID)))
}

// openRefresh is the upstream's refresh token and its user, or ok false
// when text is not one the proxy wrapped for clientID.
func (k tokenKeys) openRefresh(clientID, text string) (wrappedRefresh, bool) {
	b64, ok := strings.CutPrefix(text, refreshPrefix)
	if !ok {
		return wrappedRefresh{}, false
	}
	box, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil {
		return wrappedRefresh{}, false
	}
	plain, err := k.key.OpenBox(box, refreshAAD(clientID))
	if err != nil {
		return wrappedRefresh{}, false
	}
	var w wrappedRefresh
	if json.Unmarshal(plain, &w) != nil || w.Token == "" {
		return wrappedRefresh{}, false
	}
	return w, true
}

func jwtAAD(kind, signingInput string) []byte {
	return []byte("cognito-proxy " + kind + " token\x00" + signingInput)
}

// sealJWT replaces token's signature by its sealed form; kind is "id" or
// "access". A value that is not a compact JWT is returned as it is.
func (k tokenKeys) sealJWT(kind, token string) string {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || strings.Count(token, ".") != 2 {
		return token
	}
	signingInput, sig := token[:i], token[i+1:]
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(k.key.SealBox([]byte(sig), jwtAAD(kind, signingInput)))
}

// openJWT restores a sealed token's signature, or reports false when the
// proxy did not seal it (or it was changed since).
func (k tokenKeys) openJWT(kind, sealed string) (string, bool) {
	i := strings.LastIndexByte(sealed, '.')
	if i < 0 || strings.Count(sealed, ".") != 2 {
		return "", false
	}
	signingInput := sealed[:i]
	box, err := base64.RawURLEncoding.DecodeString(sealed[i+1:])
	if err != nil {
		return "", false
	}
	sig, err := k.key.OpenBox(box, jwtAAD(kind, signingInput))
	if err != nil {
		return "", false
	}
	return signingInput + "." + string(sig), true
}

// claims are the few claims of a JWT the proxy reads: who it is for.
type claims struct {
	Sub      string `json:"sub"`
	Username string `json:"username"`
	Issuer   string `json:"iss"`
}

// readClaims decodes token's payload without checking its signature: for
// tokens the upstream just issued, or that the proxy sealed itself.
func readClaims(token string) claims {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}
	}
	var c claims
	_ = json.Unmarshal(raw, &c) // unreadable claims name nobody
	return c
}

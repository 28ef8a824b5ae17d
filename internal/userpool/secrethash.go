package userpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/moat-dev/moat/internal/awserr"
)

// checkSecretHash enforces SECRET_HASH for clients that have a secret:
// Base64(HMAC-SHA256(secret, username + clientId)). Any of the usernames a
// client may have hashed (the name it signed in with, the canonical username,
// the sub) is accepted, as SDKs differ in which they use.
func (c *client) checkSecretHash(given string, usernames ...string) error {
	if c.Secret == "" {
		return nil
	}
	if given == "" {
		return awserr.Newf(awserr.NotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", c.ID)
	}
	got, err := base64.StdEncoding.DecodeString(given)
	if err == nil {
		for _, u := range usernames {
			if u != "" && hmac.Equal(got, secretHash(c.Secret, u, c.ID)) {
				return nil
			}
		}
	}
	return awserr.Newf(awserr.NotAuthorized, "Unable to verify secret hash for client %s", c.ID)
}

func secretHash(secret, username, clientID string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return m.Sum(nil)
}

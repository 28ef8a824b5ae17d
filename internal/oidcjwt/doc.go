// Package oidcjwt verifies the signatures of JWTs from remote OpenID Connect
// issuers: it fetches each issuer's keys (from jwks_uri, or through the
// issuer's discovery document), refreshes them when they age or a token
// names a kid it has not seen, and verifies only with the algorithms moat
// allows, each with a key of a type and size it fits. Claims are the
// caller's business: the gateway's JWT authorizer and the identity pools'
// outside login providers each check their own.
package oidcjwt

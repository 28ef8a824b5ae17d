// Package integration builds what serves a gateway route: http_proxy (a
// tuned httputil.ReverseProxy with URI templates, request parameter
// mapping, secret injection and optional mTLS) and mock (a fixed answer).
// Everything a request needs is compiled when the route is built: URI
// templates are split into parts, header names canonicalized, secrets read.
package integration

// Package waf is moat's web application firewall in AWS WAFv2's terms: web
// ACLs of prioritised rules whose statements inspect a request (IP sets,
// byte, regex and size matches with text transformations, labels, rate
// limits, geography, and AWS's managed rule groups backed by the OWASP Core
// Rule Set through Coraza).
//
// The types here are WAFv2's API shapes, field for field, so the same Go
// values decode the WAFv2 API's JSON and the config file's webACLs. Compile
// turns a WebACL into an ACL, which Evaluate runs against a Request: a small
// view of an HTTP request (method, canonical path, query, headers, body
// prefix, client address) that knows nothing of how it was framed.
package waf

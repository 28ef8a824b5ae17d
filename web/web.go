// Package web holds the browser pages moat serves, embedded in the binary so
// they need no build step and no files beside it.
package web

import "embed"

// Demo is the dragons demo site: Demo's demo/ directory holds index.html and
// its script, which sign in against the identity listener and call the demo
// API on the gateway.
//
//go:embed demo
var Demo embed.FS

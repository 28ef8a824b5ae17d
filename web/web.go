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

// Dapp is the wallet sign-in dApp: dapp/ holds index.html and its scripts,
// which sign in with window.ethereum and call the demo API both ways.
//
//go:embed dapp
var Dapp embed.FS

// Hosted is the user pools' hosted sign-in pages: hosted/ holds the
// html/template pages (layout.html and one file per page) and their
// stylesheet. The pages work without script.
//
//go:embed hosted
var Hosted embed.FS

// Console is moat's web console: console/ holds the html/template pages
// (layout.html and one file per page), the stylesheet and the small ES
// modules some pages load (the live request tail, the policy editor).
//
//go:embed console
var Console embed.FS

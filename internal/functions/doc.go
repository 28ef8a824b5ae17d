// Package functions runs Lambda functions on moat's own machines: the
// function registry (configuration and code in the store, so every replica
// can run every function), the worker pool and its lifecycle as Lambda's
// (lazy init, warm reuse, one invocation per worker, reserved and global
// concurrency, idle reaping, timeouts), and the Lambda Runtime API each
// worker's process talks to on a loopback port of its own. Unmodified
// handlers run: provided.* bootstraps (aws-lambda-go), Node.js and Python
// through the small runtime clients this package embeds. The Lambda
// REST-JSON API (internal/lambdaapi), the gateway's aws_proxy integration
// and authorizers, and user-pool triggers all call Runtime; none of them
// starts processes.
//
// As AWS's runtime interface emulator does, the Runtime API server
// (runtimeapi.go) is kept apart from the process supervisor (worker.go).
package functions

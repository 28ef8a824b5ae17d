// Package lambdaevent is API Gateway's side of its wire to Lambda: the
// events the gateway sends functions (proxy payloads 1.0 and 2.0, TOKEN and
// REQUEST authorizer inputs) and the answers it reads back (proxy
// responses, authorizer policies and simple responses). Shapes are
// aws-lambda-go's events types, so a handler written for AWS reads exactly
// what it reads there. Every builder reads the one gateway.Request the
// pipeline carries: its canonical path, method ARN and identity.
package lambdaevent

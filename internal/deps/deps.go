// Package deps pins modules the work in progress is being built on until real
// code imports them; it is deleted once every one is used.
package deps

import (
	_ "github.com/aws/aws-lambda-go/events"
	_ "github.com/decred/dcrd/dcrec/secp256k1/v4"
	_ "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/go-redis/redis_rate/v10"
	_ "github.com/redis/go-redis/v9"
	_ "golang.org/x/crypto/sha3"
	_ "golang.org/x/time/rate"
)

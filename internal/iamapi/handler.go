// Package iamapi is the admin-signed IAM API subset for roles, in AWS's
// query protocol as boto3's and the AWS CLI's iam clients speak it: a form
// POST (or a GET) naming an Action, SigV4-signed for service "iam", answered
// in IAM's XML. The operations themselves are internal/roles'; the framing
// is internal/awsapi's.
package iamapi

import (
	"context"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/roles"
)

// SigningName is the SigV4 service name IAM requests are signed for.
const SigningName = "iam"

// GlobalRegion is where IAM lives: clients sign IAM requests for it
// whatever region they are configured for.
const GlobalRegion = "us-east-1"

// Namespace is IAM's XML namespace, on every answer.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// API is the IAM query API over svc.
func API(svc *roles.Service) awsapi.QueryAPI {
	api := awsapi.QueryAPI{
		SigningName:       SigningName,
		Version:           "2010-05-08",
		Namespace:         Namespace,
		InternalErrorCode: "ServiceFailure",
	}
	for _, name := range sortedKeys(actions) {
		act := actions[name]
		api.Actions = append(api.Actions, awsapi.Action{Name: name, Handle: func(ctx context.Context, q *awsapi.Query) (any, error) {
			return act(ctx, svc, q)
		}})
	}
	return api
}

// encodeDocument percent-encodes a policy document as IAM returns it
// (botocore and the AWS CLI decode it; other SDKs hand it over as is).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

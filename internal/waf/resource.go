package waf

import (
	"fmt"
	"regexp"
)

// Resource is something a web ACL protects: an API Gateway stage (REST or
// HTTP API) or a Cognito user pool.
type Resource struct {
	ARN        string
	Type       ResourceType
	APIID      string // API_GATEWAY
	Stage      string // API_GATEWAY
	UserPoolID string // COGNITO_USER_POOL
}

var (
	stageARN    = regexp.MustCompile(`^arn:aws:apigateway:([a-z0-9-]+)::/(?:restapis|apis)/([A-Za-z0-9]+)/stages/([A-Za-z0-9_$-]{1,128})$`)
	userPoolARN = regexp.MustCompile(`^arn:aws:cognito-idp:([a-z0-9-]+):([0-9]{12}):userpool/([\w-]+_[0-9a-zA-Z]+)$`)
)

// StageARN is the ARN WAFv2 names an API Gateway REST API stage by.
func StageARN(region, apiID, stage string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s/stages/%s", region, apiID, stage)
}

// UserPoolARN is the ARN of a Cognito user pool.
func UserPoolARN(region, account, poolID string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, account, poolID)
}

// parseResource reads a resource ARN in this region (and account, for a
// user pool). HTTP API stages (/apis/…) are accepted beside REST ones.
func (s *Service) parseResource(arn string) (Resource, error) {
	if m := stageARN.FindStringSubmatch(arn); m != nil && m[1] == s.region {
		return Resource{ARN: StageARN(s.region, m[2], m[3]), Type: ResourceAPIGateway, APIID: m[2], Stage: m[3]}, nil
	}
	if m := userPoolARN.FindStringSubmatch(arn); m != nil && m[1] == s.region && m[2] == s.account {
		return Resource{ARN: arn, Type: ResourceCognitoUserPool, UserPoolID: m[3]}, nil
	}
	return Resource{}, invalid("RESOURCE_ARN", arn, "ResourceArn must name an API Gateway stage (arn:aws:apigateway:%s::/restapis/<api-id>/stages/<stage>) or a user pool (arn:aws:cognito-idp:%s:%s:userpool/<pool-id>)", s.region, s.region, s.account)
}

package iam

import "testing"

type conditionCase struct {
	name, condition string
	ctx             Context
	want            bool
}

// runConditionCases puts each condition in an Allow statement under
// version 2012-10-17 and checks whether it holds.
func runConditionCases(t *testing.T, version string, cases []conditionCase) {
	t.Helper()
	for _, tc := range cases {
		doc := `{"Version":"` + version + `","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + tc.condition + `}}`
		p := mustParse(t, doc)
		got := p.Evaluate(invoke(invokeARN, tc.ctx)) == Allow
		if got != tc.want {
			t.Errorf("%s: %s with %v holds = %v, want %v", tc.name, tc.condition, tc.ctx, got, tc.want)
		}
	}
}

func TestStringConditions(t *testing.T) {
	tag := func(v ...string) Context { return Context{"aws:PrincipalTag/job-category": v} }
	runConditionCases(t, Version2012, []conditionCase{
		// "Condition operators", String condition operators example.
		{"StringEquals", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, tag("iamuser-admin"), true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, tag("IAMUser-Admin"), false},
		{"StringEquals missing key", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, nil, false},
		{"StringEquals values are ORed", `{"StringEquals":{"aws:PrincipalTag/job-category":["a","iamuser-admin"]}}`, tag("iamuser-admin"), true},
		{"StringEquals star is literal", `{"StringEquals":{"aws:PrincipalTag/job-category":"*"}}`, tag("x"), false},
		{"key names are case-insensitive", `{"StringEquals":{"AWS:principaltag/JOB-category":"iamuser-admin"}}`, tag("iamuser-admin"), true},
		{"StringNotEquals", `{"StringNotEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, tag("other"), true},
		{"StringNotEquals missing key matches", `{"StringNotEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, nil, true},
		{"StringNotEquals is NOR over values", `{"StringNotEquals":{"aws:PrincipalTag/job-category":["a","b"]}}`, tag("b"), false},
		{"StringNotEquals none of the values", `{"StringNotEquals":{"aws:PrincipalTag/job-category":["a","b"]}}`, tag("c"), true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"IAMUSER-admin"}}`, tag("iamuser-Admin"), true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"IAMUSER-admin"}}`, tag("iamuser-Admin"), false},
		{"StringLike", `{"StringLike":{"aws:PrincipalTag/job-category":"iamuser-*"}}`, tag("iamuser-admin"), true},
		{"StringLike question mark", `{"StringLike":{"aws:PrincipalTag/job-category":"iamuser-?dmin"}}`, tag("iamuser-admin"), true},
		{"StringLike is case-sensitive", `{"StringLike":{"aws:PrincipalTag/job-category":"IAMUSER-*"}}`, tag("iamuser-admin"), false},
		{"StringLike empty value", `{"StringLike":{"s3:prefix":["","home/"]}}`, Context{"s3:prefix": {""}}, true},
		{"StringNotLike", `{"StringNotLike":{"aws:PrincipalTag/job-category":"iamuser-*"}}`, tag("admin"), true},
		{"StringNotLike missing key matches", `{"StringNotLike":{"aws:PrincipalTag/job-category":"iamuser-*"}}`, nil, true},
		// "Condition operators", …IfExists example.
		{"StringLikeIfExists missing key", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, nil, true},
		{"StringLikeIfExists present and matching", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, Context{"ec2:InstanceType": {"t2.micro"}}, true},
		{"StringLikeIfExists present, not matching", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, Context{"ec2:InstanceType": {"m5.large"}}, false},
		{"keys in one operator are ANDed", `{"StringEquals":{"aws:username":"alice","aws:PrincipalTag/job-category":"dev"}}`,
			Context{"aws:username": {"alice"}, "aws:PrincipalTag/job-category": {"ops"}}, false},
		{"operators are ANDed", `{"StringEquals":{"aws:username":"alice"},"StringLike":{"aws:PrincipalTag/job-category":"d*"}}`,
			Context{"aws:username": {"alice"}, "aws:PrincipalTag/job-category": {"dev"}}, true},
		{"operator names are case-insensitive", `{"stringequals":{"aws:username":"alice"}}`, Context{"aws:username": {"alice"}}, true},
	})
}

func TestTypedConditions(t *testing.T) {
	ip := func(a string) Context { return Context{"aws:SourceIp": {a}} }
	now := func(v string) Context { return Context{"aws:CurrentTime": {v}} }
	runConditionCases(t, Version2012, []conditionCase{
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10.0"}}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":10}}`, Context{"s3:max-keys": {"10"}}, false},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"11"}}, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"9.5"}}, false},
		{"Numeric request value not a number", `{"NumericEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"ten"}}, false},
		// "Condition operators", Date condition operators example.
		{"date range inside", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}`,
			now("2020-05-01T12:00:00Z"), true},
		{"date range after", `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}`,
			now("2020-07-01T00:00:00Z"), false},
		{"epoch against ISO 8601", `{"DateLessThan":{"aws:EpochTime":"2020-01-01T00:00:00Z"}}`, Context{"aws:EpochTime": {"1577836799"}}, true},
		{"DateEquals across zones", `{"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}`, now("2020-01-01T00:00:00Z"), true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}`, now("2020-01-01T00:00:00Z"), false},
		{"DateLessThanEquals epoch policy value", `{"DateLessThanEquals":{"aws:CurrentTime":1577836800}}`, now("2020-01-01T00:00:00Z"), true},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, now("2019-12-31T23:59:59Z"), false},
		{"Bool", `{"Bool":{"aws:SecureTransport":"true"}}`, Context{"aws:SecureTransport": {"true"}}, true},
		{"Bool JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, Context{"aws:SecureTransport": {"true"}}, false},
		{"Bool missing", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"BoolIfExists missing", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, nil, true},
		{"BinaryEquals", `{"BinaryEquals":{"moat:blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, Context{"moat:blob": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, true},
		{"BinaryEquals differs", `{"BinaryEquals":{"moat:blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, Context{"moat:blob": {"QmluYXJ5"}}, false},
		// "Condition operators", IP address condition operators examples.
		{"IpAddress in block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("203.0.113.77"), true},
		{"IpAddress outside block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("203.0.114.1"), false},
		{"IpAddress single address", `{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}`, ip("203.0.113.5"), true},
		{"IpAddress IPv6 block", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, ip("2001:db8:1234:5678::abcd"), true},
		{"IpAddress IPv6 outside", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, ip("2001:db8:1234:5679::1"), false},
		{"IPv4-mapped address is IPv4", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("::ffff:203.0.113.9"), true},
		{"IPv4-mapped block is an IPv4 block", `{"IpAddress":{"aws:SourceIp":"::ffff:203.0.113.0/120"}}`, ip("203.0.113.9"), true},
		{"IPv4-mapped block excludes others", `{"IpAddress":{"aws:SourceIp":"::ffff:203.0.113.0/120"}}`, ip("203.0.114.9"), false},
		{"lowercase context key", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, Context{"aws:sourceip": {"203.0.113.9"}}, true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, ip("198.51.100.1"), true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, ip("192.0.2.1"), false},
		{"IpAddress not an address", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, ip("example.com"), false},
		// "Condition operators", ARN condition operators example.
		{"ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}`, Context{"aws:SourceArn": {"arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}, true},
		{"ArnLike per segment", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, Context{"aws:SourceArn": {"arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}, true},
		{"ArnLike account mismatch", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, Context{"aws:SourceArn": {"arn:aws:sns:us-east-2:111122223333:TOPIC-ID"}}, false},
		// The documented case where StringLike matches and ArnLike does not.
		{"StringLike spans colons", `{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`,
			Context{"aws:SourceArn": {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}}, true},
		{"ArnLike does not span colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`,
			Context{"aws:SourceArn": {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}}, false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, Context{"aws:SourceArn": {"arn:aws:sns:us-east-2:111122223333:TOPIC-ID"}}, true},
		{"ArnNotEquals missing", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, nil, true},
		// "Condition operators", Condition operator to check existence of condition keys.
		{"Null true, key absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{"Null true, key present", `{"Null":{"aws:TokenIssueTime":"true"}}`, Context{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, false},
		{"Null false, key present", `{"Null":{"aws:TokenIssueTime":false}}`, Context{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, true},
		{"Null false, key absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, Context{"aws:TokenIssueTime": {}}, false},
	})
}

// "Creating a condition with multiple context keys or values".
func TestSetConditions(t *testing.T) {
	attrs := func(v ...string) Context { return Context{"dynamodb:requestedAttributes": v} }
	const allowed = `{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]}}`
	const forbidden = `{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}`
	runConditionCases(t, Version2012, []conditionCase{
		{"ForAllValues all listed", allowed, attrs("PostDateTime", "Message"), true},
		{"ForAllValues one unlisted", allowed, attrs("PostDateTime", "UserName"), false},
		{"ForAllValues missing key is true", allowed, nil, true},
		{"ForAllValues empty set is true", allowed, attrs(), true},
		{"ForAllValues empty string is true", allowed, attrs(""), true},
		{"ForAnyValue one listed", forbidden, attrs("UserName", "Message", "PostDateTime"), true},
		{"ForAnyValue none listed", forbidden, attrs("UserName"), false},
		{"ForAnyValue missing key is false", forbidden, nil, false},
		{"ForAnyValue empty string is false", forbidden, attrs(""), false},
		{"ForAnyValue IfExists missing key", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}`, nil, true},
		{"ForAllValues negated: none of the values", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret","admin"]}}`, Context{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues negated: one forbidden", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret","admin"]}}`, Context{"aws:TagKeys": {"env", "admin"}}, false},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["secret"]}}`, Context{"aws:TagKeys": {"secret", "env"}}, true},
		{"multivalued key without qualifier: any value", `{"StringEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}`,
			Context{"cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com"}}, true},
		{"multivalued key negated: no value may match", `{"StringNotEquals":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}`,
			Context{"cognito-identity.amazonaws.com:amr": {"authenticated", "unauthenticated"}}, false},
	})
}

// "IAM policy elements: Variables and tags".
func TestVariables(t *testing.T) {
	sub := Context{"cognito-identity.amazonaws.com:sub": {cognitoID}}
	user := Context{"aws:username": {"alice"}}
	const home = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${cognito-identity.amazonaws.com:sub}/*"}}`
	const home2008 = `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${cognito-identity.amazonaws.com:sub}/*"}}`
	const homeNoVersion = `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${cognito-identity.amazonaws.com:sub}/*"}}`
	const withDefault = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${aws:PrincipalTag/team, 'company-wide'}/*"}}`
	const escapes = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::mybucket/${*}${?}${$}/*"}}`
	const deny = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::mybucket/${aws:username}/*"}]}`
	const notResourceAllow = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::mybucket/${aws:username}/*"}}`
	for _, tc := range []struct {
		name, policy, key string
		ctx               Context
		want              Decision
	}{
		{"cognito sub in resource", home, cognitoID + "/photo.jpg", sub, Allow},
		{"another identity's folder", home, "us-east-1:other/photo.jpg", sub, ImplicitDeny},
		{"variable missing matches nothing", home, "/photo.jpg", nil, ImplicitDeny},
		{"variable value is literal, not a wildcard", home, "x/photo.jpg", Context{"cognito-identity.amazonaws.com:sub": {"*"}}, ImplicitDeny},
		{"2008 treats ${} literally", home2008, "${cognito-identity.amazonaws.com:sub}/photo.jpg", sub, Allow},
		{"2008 does not substitute", home2008, cognitoID + "/photo.jpg", sub, ImplicitDeny},
		{"no Version is 2008", homeNoVersion, "${cognito-identity.amazonaws.com:sub}/photo.jpg", sub, Allow},
		{"default used when absent", withDefault, "company-wide/x", nil, Allow},
		{"value used when present", withDefault, "dev/x", Context{"aws:PrincipalTag/team": {"dev"}}, Allow},
		{"default not used when present", withDefault, "company-wide/x", Context{"aws:PrincipalTag/team": {"dev"}}, ImplicitDeny},
		{"escapes are literal characters", escapes, "*?$/x", nil, Allow},
		{"escaped star is not a wildcard", escapes, "abc/x", nil, ImplicitDeny},
		{"NotResource deny with value", deny, "bob/x", user, ExplicitDeny},
		{"NotResource deny spares own folder", deny, "alice/x", user, Allow},
		{"unresolved variable voids a Deny statement", deny, "bob/x", nil, Allow},
		{"unresolved variable voids a NotResource Allow", notResourceAllow, "bob/x", nil, ImplicitDeny},
	} {
		req := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::mybucket/" + tc.key, Context: tc.ctx}
		if got := mustParse(t, tc.policy).Evaluate(req); got != tc.want {
			t.Errorf("%s: Evaluate = %v, want %v", tc.name, got, tc.want)
		}
	}

	runConditionCases(t, Version2012, []conditionCase{
		// The s3:prefix example of "Variables and tags".
		{"variable in StringLike", `{"StringLike":{"s3:prefix":["${aws:username}/*"]}}`, Context{"aws:username": {"alice"}, "s3:prefix": {"alice/docs"}}, true},
		{"variable in StringLike, other user", `{"StringLike":{"s3:prefix":["${aws:username}/*"]}}`, Context{"aws:username": {"alice"}, "s3:prefix": {"bob/docs"}}, false},
		{"variable in StringEquals", `{"StringEquals":{"aws:PrincipalTag/owner":"${aws:userid}"}}`, Context{"aws:userid": {"AIDA1:alice"}, "aws:PrincipalTag/owner": {"AIDA1:alice"}}, true},
		{"unresolved variable in StringNotEquals voids the statement", `{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:userid}"}}`, Context{"aws:PrincipalTag/owner": {"x"}}, false},
		{"variable with default in condition", `{"StringEquals":{"aws:PrincipalTag/owner":"${aws:userid, 'anonymous'}"}}`, Context{"aws:PrincipalTag/owner": {"anonymous"}}, true},
		{"variable in Bool", `{"Bool":{"aws:SecureTransport":"${moat:expectTLS}"}}`, Context{"moat:expectTLS": {"TRUE"}, "aws:SecureTransport": {"true"}}, true},
		{"variable in Bool, other value", `{"Bool":{"aws:SecureTransport":"${moat:expectTLS}"}}`, Context{"moat:expectTLS": {"false"}, "aws:SecureTransport": {"true"}}, false},
		{"variable in ArnLike", `{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:user/${aws:username}"}}`, Context{"aws:username": {"alice"}, "aws:SourceArn": {"arn:aws:iam::123456789012:user/alice"}}, true},
	})
	runConditionCases(t, Version2008, []conditionCase{
		{"2008 condition variables are literal", `{"StringEquals":{"s3:prefix":"${aws:username}"}}`, Context{"aws:username": {"alice"}, "s3:prefix": {"${aws:username}"}}, true},
	})
}

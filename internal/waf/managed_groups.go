package waf

import (
	"regexp"
	"strings"
)

// The managed rule groups moat offers, in AWS's names, rule names, rule
// order and labels. Each AWS rule is matched either by a native check (the
// size limits, a missing User-Agent, …) or by OWASP Core Rule Set rules run
// through Coraza: a CRS match is credited to an AWS rule by its CRS rule
// ID and by where in the request it matched (query arguments, body,
// cookies, URI path, headers), and the AWS rule matches when the CRS
// anomaly score credited to it reaches the inbound threshold (5, one
// critical finding). This mapping is moat's design; AWS publishes rule
// names, not their patterns.

// location is where in a request a CRS rule matched.
type location uint8

const (
	locNone location = iota
	locQuery
	locBody
	locCookie
	locURIPath
	locHeader
)

// groupRuleSpec is one rule of a managed group.
type groupRuleSpec struct {
	name   string // AWS's rule name, used in RuleActionOverrides and ExcludedRules
	label  string // the label it adds, after the group's namespace
	native func(r *Request) bool
}

// groupSpec is a managed rule group.
type groupSpec struct {
	name        string
	description string
	namespace   string   // label namespace
	crsFiles    []string // CRS rule files loaded, besides initialization
	// crsRemove lists CRS rule IDs (or ranges) the group does not use.
	crsRemove string
	rules     []groupRuleSpec
	// credit names the AWS rule a CRS finding counts toward; a name that
	// is not one of the group's rules ("" or a location the family has no
	// rule for) counts toward nothing.
	credit func(crsID int, loc location) string
}

// A missing key here is a group AWS has that moat cannot offer.
var managedGroupSpecs = map[string]*groupSpec{
	"AWSManagedRulesCommonRuleSet":         commonRuleSet,
	"AWSManagedRulesSQLiRuleSet":           sqliRuleSet,
	"AWSManagedRulesKnownBadInputsRuleSet": knownBadInputsRuleSet,
}

// unavailableGroups are AWS groups moat refuses, with why.
var unavailableGroups = map[string]string{
	"AWSManagedRulesAmazonIpReputationList": "it is built from Amazon's threat intelligence, which moat does not have; block known-bad addresses with an IP set",
	"AWSManagedRulesAnonymousIpList":        "it is built from Amazon's lists of VPN, proxy and hosting addresses, which moat does not have; use an IP set",
	"AWSManagedRulesBotControlRuleSet":      "it is a paid AWS service",
	"AWSManagedRulesATPRuleSet":             "it is a paid AWS service",
	"AWSManagedRulesACFPRuleSet":            "it is a paid AWS service",
	"AWSManagedRulesAntiDDoSRuleSet":        "it is a paid AWS service",
}

var sqliRuleSet = &groupSpec{
	name:        "AWSManagedRulesSQLiRuleSet",
	description: "SQL injection in query arguments, bodies, cookies and URI paths (OWASP CRS 942 through Coraza)",
	namespace:   "awswaf:managed:aws:sql-database:",
	crsFiles:    []string{"REQUEST-942-APPLICATION-ATTACK-SQLI.conf"},
	rules: []groupRuleSpec{
		{name: "SQLi_QUERYARGUMENTS", label: "SQLi_QueryArguments"},
		{name: "SQLiExtendedPatterns_QUERYARGUMENTS", label: "SQLiExtendedPatterns_QueryArguments"},
		{name: "SQLi_BODY", label: "SQLi_Body"},
		{name: "SQLiExtendedPatterns_BODY", label: "SQLiExtendedPatterns_Body"},
		{name: "SQLi_COOKIE", label: "SQLi_Cookie"},
		{name: "SQLi_URIPATH", label: "SQLi_URIPath"},
	},
	// 942100 is libinjection's detector (AWS's SQLi_* rules); CRS's
	// regular expressions are the extended patterns.
	credit: func(id int, loc location) string {
		libinjection := id == 942100
		switch loc {
		case locQuery:
			if libinjection {
				return "SQLi_QUERYARGUMENTS"
			}
			return "SQLiExtendedPatterns_QUERYARGUMENTS"
		case locBody:
			if libinjection {
				return "SQLi_BODY"
			}
			return "SQLiExtendedPatterns_BODY"
		case locCookie:
			return "SQLi_COOKIE"
		case locURIPath:
			return "SQLi_URIPATH"
		}
		return ""
	},
}

const (
	maxCommonQueryString = 2048
	maxCommonCookie      = 10240
	maxCommonBody        = 8 * 1024
	maxCommonURIPath     = 1024
)

var commonRuleSet = &groupSpec{
	name:        "AWSManagedRulesCommonRuleSet",
	description: "Size limits, missing and scanner User-Agents, LFI, RFI, cloud-metadata SSRF, restricted extensions and XSS (OWASP CRS 913, 920440, 930, 931, 934 and 941 through Coraza)",
	namespace:   "awswaf:managed:aws:core-rule-set:",
	crsFiles: []string{
		"REQUEST-913-SCANNER-DETECTION.conf",
		"REQUEST-920-PROTOCOL-ENFORCEMENT.conf",
		"REQUEST-930-APPLICATION-ATTACK-LFI.conf",
		"REQUEST-931-APPLICATION-ATTACK-RFI.conf",
		"REQUEST-934-APPLICATION-ATTACK-GENERIC.conf",
		"REQUEST-941-APPLICATION-ATTACK-XSS.conf",
	},
	// Of protocol enforcement only the restricted-extension rule is an AWS
	// rule; the rest (a numeric Host, missing Accept, …) would refuse
	// ordinary API clients.
	crsRemove: "920000-920439 920441-920999",
	rules: []groupRuleSpec{
		{name: "NoUserAgent_HEADER", label: "NoUserAgent_Header", native: func(r *Request) bool {
			v, ok := headerValue(r, "User-Agent")
			return !ok || strings.TrimSpace(v) == ""
		}},
		{name: "UserAgent_BadBots_HEADER", label: "BadBots_Header"},
		{name: "SizeRestrictions_QUERYSTRING", label: "SizeRestrictions_QueryString", native: func(r *Request) bool { return len(r.RawQuery) > maxCommonQueryString }},
		{name: "SizeRestrictions_Cookie_HEADER", label: "SizeRestrictions_Cookie_Header", native: func(r *Request) bool {
			v, _ := headerValue(r, cookieHeader)
			return len(v) > maxCommonCookie
		}},
		{name: "SizeRestrictions_BODY", label: "SizeRestrictions_Body", native: func(r *Request) bool { return r.BodyTruncated || len(r.Body) > maxCommonBody }},
		{name: "SizeRestrictions_URIPATH", label: "SizeRestrictions_URIPath", native: func(r *Request) bool { return len(r.Path) > maxCommonURIPath }},
		{name: "EC2MetaDataSSRF_BODY", label: "EC2MetaDataSSRF_Body"},
		{name: "EC2MetaDataSSRF_COOKIE", label: "EC2MetaDataSSRF_Cookie"},
		{name: "EC2MetaDataSSRF_URIPATH", label: "EC2MetaDataSSRF_URIPath"},
		{name: "EC2MetaDataSSRF_QUERYARGUMENTS", label: "EC2MetaDataSSRF_QueryArguments"},
		{name: "GenericLFI_QUERYARGUMENTS", label: "GenericLFI_QueryArguments"},
		{name: "GenericLFI_URIPATH", label: "GenericLFI_URIPath"},
		{name: "GenericLFI_BODY", label: "GenericLFI_Body"},
		{name: "RestrictedExtensions_URIPATH", label: "RestrictedExtensions_URIPath"},
		{name: "RestrictedExtensions_QUERYARGUMENTS", label: "RestrictedExtensions_QueryArguments"},
		{name: "GenericRFI_QUERYARGUMENTS", label: "GenericRFI_QueryArguments"},
		{name: "GenericRFI_BODY", label: "GenericRFI_Body"},
		{name: "GenericRFI_URIPATH", label: "GenericRFI_URIPath"},
		{name: "CrossSiteScripting_COOKIE", label: "CrossSiteScripting_Cookie"},
		{name: "CrossSiteScripting_QUERYARGUMENTS", label: "CrossSiteScripting_QueryArguments"},
		{name: "CrossSiteScripting_BODY", label: "CrossSiteScripting_Body"},
		{name: "CrossSiteScripting_URIPATH", label: "CrossSiteScripting_URIPath"},
	},
	credit: func(id int, loc location) string {
		var family string
		switch {
		case id >= 913000 && id < 914000:
			if loc == locHeader {
				return "UserAgent_BadBots_HEADER"
			}
			return ""
		case id == 920440:
			family = "RestrictedExtensions"
		case id >= 930000 && id < 931000:
			family = "GenericLFI"
		case id >= 931000 && id < 932000:
			family = "GenericRFI"
		case id == 934110 || id == 934120:
			family = "EC2MetaDataSSRF"
		case id >= 941000 && id < 942000:
			family = "CrossSiteScripting"
		default:
			return ""
		}
		return family + "_" + locationSuffix(loc, "QUERYARGUMENTS")
	},
}

var exploitablePath = regexp.MustCompile(`(?i)/(web|meta)-inf(/|$)`)

var knownBadInputsRuleSet = &groupSpec{
	name:        "AWSManagedRulesKnownBadInputsRuleSet",
	description: "Java deserialization and Log4j, Host: localhost, PROPFIND and exploitable paths (OWASP CRS 944 through Coraza)",
	namespace:   "awswaf:managed:aws:known-bad-inputs:",
	crsFiles:    []string{"REQUEST-944-APPLICATION-ATTACK-JAVA.conf"},
	rules: []groupRuleSpec{
		{name: "JavaDeserializationRCE_HEADER", label: "JavaDeserializationRCE_Header"},
		{name: "JavaDeserializationRCE_BODY", label: "JavaDeserializationRCE_Body"},
		{name: "JavaDeserializationRCE_URIPATH", label: "JavaDeserializationRCE_URIPath"},
		{name: "JavaDeserializationRCE_QUERYSTRING", label: "JavaDeserializationRCE_QueryString"},
		{name: "Host_localhost_HEADER", label: "Host_Localhost_Header", native: func(r *Request) bool {
			host := strings.ToLower(r.Host)
			if h, _, ok := strings.Cut(host, ":"); ok {
				host = h
			}
			return host == "localhost"
		}},
		{name: "PROPFIND_METHOD", label: "Propfind_Method", native: func(r *Request) bool { return strings.EqualFold(r.Method, "PROPFIND") }},
		{name: "ExploitablePaths_URIPATH", label: "ExploitablePaths_URIPath", native: func(r *Request) bool { return exploitablePath.MatchString(r.Path) }},
		{name: "Log4JRCE_QUERYSTRING", label: "Log4JRCE_QueryString"},
		{name: "Log4JRCE_BODY", label: "Log4JRCE_Body"},
		{name: "Log4JRCE_URIPATH", label: "Log4JRCE_URIPath"},
		{name: "Log4JRCE_HEADER", label: "Log4JRCE_Header"},
	},
	credit: func(id int, loc location) string {
		family := "JavaDeserializationRCE"
		if id >= 944150 && id <= 944152 {
			family = "Log4JRCE"
		}
		if id < 944000 || id >= 945000 || loc == locCookie {
			return ""
		}
		return family + "_" + locationSuffix(loc, "QUERYSTRING")
	},
}

// locationSuffix is how AWS rule names end for where they look; query
// is QUERYARGUMENTS in most groups and QUERYSTRING in some.
func locationSuffix(loc location, query string) string {
	switch loc {
	case locQuery:
		return query
	case locBody:
		return "BODY"
	case locCookie:
		return "COOKIE"
	case locURIPath:
		return "URIPATH"
	}
	return "HEADER"
}

func (g *groupSpec) index(rule string) int {
	for i, r := range g.rules {
		if r.name == rule {
			return i
		}
	}
	return -1
}

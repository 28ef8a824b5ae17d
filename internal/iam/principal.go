package iam

import (
	"strings"
)

// Principal is who makes a request, for Principal and NotPrincipal in
// resource and trust policies. A nil *Principal is an anonymous caller.
type Principal struct {
	// Account is the caller's 12-digit AWS account ID, when it has one.
	Account string
	// ARNs name the caller, e.g. its role ARN and its STS session ARN
	// ("arn:aws:iam::123456789012:role/r" and
	// "arn:aws:sts::123456789012:assumed-role/r/session").
	ARNs []string
	// Federated is the web identity provider for AssumeRoleWithWebIdentity,
	// e.g. "cognito-identity.amazonaws.com".
	Federated string
	// Service is the calling AWS service principal, e.g. "lambda.amazonaws.com".
	Service string
}

// principals is a compiled Principal or NotPrincipal element.
type principals struct {
	everyone  bool     // "*" or {"AWS": "*"}
	accounts  []string // "123456789012" or "arn:aws:iam::123456789012:root"
	arns      []string
	federated []string // "*" means any federated caller
	services  []string // "*" means any service
}

// principalTypes are the keys of a Principal object moat evaluates.
var principalTypes = []string{"AWS", "Federated", "Service"}

func (p *principals) matches(who *Principal) bool {
	if p.everyone {
		return true
	}
	if who == nil {
		return false
	}
	if who.Account != "" {
		for _, a := range p.accounts {
			if a == who.Account {
				return true
			}
		}
	}
	for _, want := range p.arns {
		for _, have := range who.ARNs {
			if want == have {
				return true
			}
		}
	}
	return matchesName(p.federated, who.Federated) || matchesName(p.services, who.Service)
}

// matchesName compares provider and service names, which are DNS names and
// so case-insensitive.
func matchesName(names []string, have string) bool {
	if have == "" {
		return false
	}
	for _, n := range names {
		if n == "*" || strings.EqualFold(n, have) {
			return true
		}
	}
	return false
}

// addAWS adds one value of {"AWS": …}. "You can't use a wildcard to match
// part of a principal name or ARN" ("IAM JSON policy elements: Principal").
func (p *principals) addAWS(v string) bool {
	switch {
	case v == "*":
		p.everyone = true
	case strings.ContainsAny(v, "*?"):
		return false
	case isAccountID(v):
		p.accounts = append(p.accounts, v)
	case strings.HasPrefix(v, "arn:"):
		if acct, ok := rootAccount(v); ok {
			p.accounts = append(p.accounts, acct)
		} else {
			p.arns = append(p.arns, v)
		}
	default:
		return false
	}
	return true
}

// addNamed adds a Federated or Service value.
func addNamed(list *[]string, v string) bool {
	if v == "" || (v != "*" && strings.ContainsAny(v, "*?")) {
		return false
	}
	*list = append(*list, v)
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// rootAccount recognises "arn:<partition>:iam::<account>:root", which names
// the whole account.
func rootAccount(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[2] != "iam" || parts[3] != "" || parts[5] != "root" || !isAccountID(parts[4]) {
		return "", false
	}
	return parts[4], true
}

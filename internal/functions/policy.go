package functions

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/store"
)

// Permission is AddPermission's statement, in Lambda's terms.
type Permission struct {
	StatementID, Action, Principal string
	SourceARN, SourceAccount       string
	Qualifier, RevisionID          string
}

// statement is one statement of a function's resource policy, as GetPolicy shows it.
type statement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    string         `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

var (
	statementIDRE = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,100}$`)
	actionRE      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	accountRE     = regexp.MustCompile(`^\d{12}$`)
)

// AddPermission adds a statement to the function's resource policy and
// returns it as JSON.
func (r *Runtime) AddPermission(ctx context.Context, function string, p Permission) (string, error) {
	switch {
	case !statementIDRE.MatchString(p.StatementID):
		return "", validation(p.StatementID, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
	case !actionRE.MatchString(p.Action):
		return "", validation(p.Action, "action", "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])")
	case p.Principal == "":
		return "", validation(p.Principal, "principal", `Member must satisfy regular expression pattern: [^\s]+`)
	}
	if p.Qualifier != "" {
		function += ":" + p.Qualifier
	}
	var added []byte
	_, err := r.update(ctx, function, nil, func(f *store.Function) error {
		if !revisionMatches(f, p.RevisionID) {
			return revisionMismatch()
		}
		stmts, err := statements(f.Policy)
		if err != nil {
			return err
		}
		for _, s := range stmts {
			if s.Sid == p.StatementID {
				return conflict("The statement id (%s) provided already exists. Please specify a new statement id, or remove the existing statement.", p.StatementID)
			}
		}
		s := statement{Sid: p.StatementID, Effect: "Allow", Principal: principalOf(p.Principal), Action: p.Action, Resource: f.ARN}
		if p.Qualifier != "" {
			s.Resource += ":" + p.Qualifier
		}
		if p.SourceARN != "" || p.SourceAccount != "" {
			s.Condition = map[string]any{}
			if p.SourceARN != "" {
				s.Condition["ArnLike"] = map[string]string{"AWS:SourceArn": p.SourceARN}
			}
			if p.SourceAccount != "" {
				s.Condition["StringEquals"] = map[string]string{"AWS:SourceAccount": p.SourceAccount}
			}
		}
		stmts = append(stmts, s)
		if _, err := iam.ParsePolicy(policyDocument(stmts)); err != nil {
			return invalidParam("The policy statement is not valid: %v", err)
		}
		added, _ = json.Marshal(s)
		f.Policy = string(mustJSON(stmts))
		return nil
	})
	return string(added), err
}

// principalOf is AddPermission's Principal as a policy names it: a service,
// an account's root, or anyone.
func principalOf(p string) any {
	switch {
	case p == "*":
		return "*"
	case accountRE.MatchString(p):
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		return map[string]string{"AWS": p}
	}
	return map[string]string{"Service": p}
}

// RemovePermission drops the statement sid from the function's policy.
func (r *Runtime) RemovePermission(ctx context.Context, function, sid, qualifier, revisionID string) error {
	if qualifier != "" {
		function += ":" + qualifier
	}
	_, err := r.update(ctx, function, nil, func(f *store.Function) error {
		if !revisionMatches(f, revisionID) {
			return revisionMismatch()
		}
		stmts, err := statements(f.Policy)
		if err != nil {
			return err
		}
		kept := stmts[:0]
		for _, s := range stmts {
			if s.Sid != sid {
				kept = append(kept, s)
			}
		}
		if len(kept) == len(stmts) {
			return resourceNotFound()
		}
		f.Policy = ""
		if len(kept) > 0 {
			f.Policy = string(mustJSON(kept))
		}
		return nil
	})
	return err
}

// GetPolicy is the function's resource policy document and its revision.
func (r *Runtime) GetPolicy(ctx context.Context, function string) (policy, revisionID string, err error) {
	f, _, err := r.resolve(ctx, function)
	if err != nil {
		return "", "", err
	}
	if f.Policy == "" {
		return "", "", resourceNotFound()
	}
	stmts, err := statements(f.Policy)
	if err != nil {
		return "", "", err
	}
	return string(policyDocument(stmts)), f.RevisionID, nil
}

func statements(policy string) ([]statement, error) {
	var stmts []statement
	if policy == "" {
		return stmts, nil
	}
	if err := json.Unmarshal([]byte(policy), &stmts); err != nil {
		return nil, awserr.Internal(err)
	}
	return stmts, nil
}

func policyDocument(stmts []statement) []byte {
	return mustJSON(struct {
		Version   string      `json:"Version"`
		ID        string      `json:"Id"`
		Statement []statement `json:"Statement"`
	}{"2012-10-17", "default", stmts})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain strings and maps of them are marshalled here
	}
	return b
}

// authorize checks an invocation by an AWS service (API Gateway, Cognito)
// against the function's resource policy. A function without one may be
// invoked: moat's admin created both it and its caller.
func (r *Runtime) authorize(c *invocable, principal, sourceARN string) error {
	if c.policy == nil {
		return nil
	}
	f := c.fn
	decision := c.policy.Evaluate(iam.Request{
		Action: "lambda:InvokeFunction", Resource: f.ARN, Principal: &iam.Principal{Service: principal},
		Context: iam.Context{"aws:SourceArn": {sourceARN}, "aws:SourceAccount": {r.account}},
	})
	if decision != iam.Allow {
		return &awserr.Error{Code: codeAccessDenied, Status: 403,
			Message: "The principal " + principal + " is not authorized to invoke " + f.ARN + " from " + sourceARN}
	}
	return nil
}

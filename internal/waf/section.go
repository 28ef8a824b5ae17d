package waf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"

	"github.com/moat-dev/moat/internal/configfile"
)

// Section is the config file's WAF: ipSets:, regexPatternSets: and
// webACLs:, each entry written in WAFv2's own shape (CreateIPSet's,
// CreateRegexPatternSet's and CreateWebACL's members, PascalCase), and
// made so at every start: created, or brought back to exactly this. A
// rule names a declared set by "ipset/<Name>" or "regexpatternset/<Name>"
// in place of its ARN; a web ACL's Resources are the stages and user pools
// it protects (their ARNs).
type Section struct {
	IPSets           []DeclaredIPSet           `yaml:"ipSets"`
	RegexPatternSets []DeclaredRegexPatternSet `yaml:"regexPatternSets"`
	WebACLs          []DeclaredWebACL          `yaml:"webACLs"`
}

// DeclaredIPSet is an ipSets: entry.
type DeclaredIPSet struct {
	Name             string   `json:"Name"`
	Description      string   `json:"Description,omitempty"`
	IPAddressVersion string   `json:"IPAddressVersion"`
	Addresses        []string `json:"Addresses"`
}

// DeclaredRegexPatternSet is a regexPatternSets: entry.
type DeclaredRegexPatternSet struct {
	Name                  string  `json:"Name"`
	Description           string  `json:"Description,omitempty"`
	RegularExpressionList []Regex `json:"RegularExpressionList"`
}

// DeclaredWebACL is a webACLs: entry: CreateWebACL's members and the
// resources the web ACL protects.
type DeclaredWebACL struct {
	WebACL
	Resources []string `json:"Resources,omitempty"`
}

func (d *DeclaredIPSet) UnmarshalYAML(n *yaml.Node) error { return configfile.DecodeAPIShape(n, d) }
func (d *DeclaredRegexPatternSet) UnmarshalYAML(n *yaml.Node) error {
	return configfile.DecodeAPIShape(n, d)
}
func (d *DeclaredWebACL) UnmarshalYAML(n *yaml.Node) error { return configfile.DecodeAPIShape(n, d) }

// Validate checks what can be checked before moat runs: names unique and
// valid, sets' contents, and references to sets the file declares. Rules
// are compiled when Apply stores them.
func (s *Section) Validate() error {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	ipNames, reNames := map[string]bool{}, map[string]bool{}
	for i, set := range s.IPSets {
		if err := checkName("IP_SET", set.Name); err != nil || ipNames[set.Name] {
			bad("ipSets[%d]: Name %q must be unique and 1 to 128 letters, digits, _ and -", i, set.Name)
		}
		ipNames[set.Name] = true
		if err := ValidateIPSet(set.IPAddressVersion, set.Addresses); err != nil {
			bad("ipSets[%d] (%s): %s", i, set.Name, reason(err))
		}
	}
	for i, set := range s.RegexPatternSets {
		if err := checkName("REGEX_PATTERN_SET", set.Name); err != nil || reNames[set.Name] {
			bad("regexPatternSets[%d]: Name %q must be unique and 1 to 128 letters, digits, _ and -", i, set.Name)
		}
		reNames[set.Name] = true
		if err := ValidateRegexPatternSet(set.RegularExpressionList); err != nil {
			bad("regexPatternSets[%d] (%s): %s", i, set.Name, reason(err))
		}
	}
	aclNames := map[string]bool{}
	for i, acl := range s.WebACLs {
		if err := checkName("WEB_ACL", acl.Name); err != nil || aclNames[acl.Name] {
			bad("webACLs[%d]: Name %q must be unique and 1 to 128 letters, digits, _ and -", i, acl.Name)
		}
		aclNames[acl.Name] = true
		ipRefs, reRefs := References(acl.WebACL)
		for _, ref := range ipRefs {
			if name, ok := strings.CutPrefix(ref, kindIPSet+"/"); ok && !ipNames[name] {
				bad("webACLs[%d] (%s): %s names no IP set of ipSets:", i, acl.Name, ref)
			}
		}
		for _, ref := range reRefs {
			if name, ok := strings.CutPrefix(ref, kindRegexSet+"/"); ok && !reNames[name] {
				bad("webACLs[%d] (%s): %s names no regex pattern set of regexPatternSets:", i, acl.Name, ref)
			}
		}
	}
	return errors.Join(problems...)
}

// reason is what a WAF error says to someone editing the file.
func reason(err error) string {
	var ip *InvalidParameterError
	if errors.As(err, &ip) {
		return ip.Reason
	}
	return err.Error()
}

// declaredID is the Id a declared entity always has, whichever replica
// creates it first: its kind and name, hashed.
func declaredID(kind, name string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("moat:waf:"+kind+"/"+name)).String()
}

// Apply makes the store hold the declared sets and web ACLs and puts each
// web ACL in front of its resources. Running it again changes nothing, so
// every replica may run it at start.
func (s *Section) Apply(ctx context.Context, svc *Service) error {
	for _, set := range s.IPSets {
		d := set
		id := declaredID(kindIPSet, d.Name)
		err := declare(ctx, svc.ipSets(), d.Name, id, func() (Summary, error) {
			return svc.createIPSet(ctx, id, IPSet{Name: d.Name, Description: d.Description, IPAddressVersion: d.IPAddressVersion, Addresses: d.Addresses}, nil)
		}, func(id, token string) (string, error) {
			return svc.UpdateIPSet(ctx, d.Name, id, token, d.Description, d.Addresses)
		})
		if err != nil {
			return fmt.Errorf("ipSets (%s): %w", d.Name, err)
		}
	}
	for _, set := range s.RegexPatternSets {
		d := set
		id := declaredID(kindRegexSet, d.Name)
		err := declare(ctx, svc.regexSets(), d.Name, id, func() (Summary, error) {
			return svc.createRegexPatternSet(ctx, id, RegexPatternSet{Name: d.Name, Description: d.Description, RegularExpressionList: d.RegularExpressionList}, nil)
		}, func(id, token string) (string, error) {
			return svc.UpdateRegexPatternSet(ctx, d.Name, id, token, d.Description, d.RegularExpressionList)
		})
		if err != nil {
			return fmt.Errorf("regexPatternSets (%s): %w", d.Name, err)
		}
	}
	for _, declared := range s.WebACLs {
		acl := svc.expandDeclaredRefs(declared.WebACL)
		id := declaredID(kindWebACL, acl.Name)
		err := declare(ctx, svc.webACLs(), acl.Name, id, func() (Summary, error) {
			return svc.createWebACL(ctx, id, acl, nil)
		}, func(id, token string) (string, error) {
			return svc.UpdateWebACL(ctx, acl.Name, id, token, acl)
		})
		if err != nil {
			return fmt.Errorf("webACLs (%s): %s", acl.Name, reason(err))
		}
		arn := svc.arn(kindWebACL, acl.Name, id)
		for _, resource := range declared.Resources {
			if err := svc.AssociateWebACL(ctx, arn, resource); err != nil {
				return fmt.Errorf("webACLs (%s): Resources %s: %s", acl.Name, resource, reason(err))
			}
		}
	}
	return nil
}

// expandDeclaredRefs turns "ipset/<Name>" and "regexpatternset/<Name>" into
// the declared sets' ARNs.
func (s *Service) expandDeclaredRefs(acl WebACL) WebACL {
	data, _ := json.Marshal(acl) // a copy, so the file's value stays as written
	var out WebACL
	_ = json.Unmarshal(data, &out)
	expand := func(arn *string, kind string) {
		if name, ok := strings.CutPrefix(*arn, kind+"/"); ok {
			*arn = s.arn(kind, name, declaredID(kind, name))
		}
	}
	visitStatements(out.Rules, func(st *Statement) {
		if r := st.IPSetReferenceStatement; r != nil {
			expand(&r.ARN, kindIPSet)
		}
		if r := st.RegexPatternSetReferenceStatement; r != nil {
			expand(&r.ARN, kindRegexSet)
		}
	})
	return out
}

// declare creates a declared entity under its fixed Id or, when it exists,
// updates it with its current lock token (again, should another replica
// change it in between). A name taken by an entity made through the API is
// refused rather than taken over.
func declare[T any, P stored[T]](ctx context.Context, k kind[T, P], name, id string, create func() (Summary, error), update func(id, token string) (string, error)) error {
	for range 3 {
		_, err := create()
		if !errors.Is(err, ErrDuplicate) {
			return err
		}
		v, err := k.get(ctx, id)
		if err != nil {
			return fmt.Errorf("a %s named %s exists that this file did not create: delete it or rename the declaration", k.name, name)
		}
		if _, err = update(id, P(&v).Entity().LockToken); !errors.Is(err, ErrStale) {
			return err
		}
	}
	return ErrStale
}

package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// A pool's domain is where its hosted pages and OAuth endpoints answer by
// host name: a prefix under moat's auth domain suffix (Config.
// AuthDomainSuffix, like Cognito's <prefix>.auth.<region>.amazoncognito.com)
// or a custom domain of the team's own. moat listens on plain HTTP; the TLS
// certificate of a custom domain is the job of whatever terminates TLS in
// front of it.

type CustomDomainConfigType struct {
	CertificateArn string `json:"CertificateArn"`
}

type UserPoolDomainInput struct {
	Domain              string                  `json:"Domain"`
	UserPoolId          string                  `json:"UserPoolId"`
	CustomDomainConfig  *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion int                     `json:"ManagedLoginVersion,omitempty"`
}

type UserPoolDomainOutput struct {
	CloudFrontDomain    string `json:"CloudFrontDomain,omitempty"`
	ManagedLoginVersion int    `json:"ManagedLoginVersion,omitempty"`
}

type DescribeUserPoolDomainInput struct {
	Domain string `json:"Domain"`
}

type DomainDescriptionType struct {
	UserPoolId             string                  `json:"UserPoolId,omitempty"`
	AWSAccountId           string                  `json:"AWSAccountId,omitempty"`
	Domain                 string                  `json:"Domain,omitempty"`
	CloudFrontDistribution string                  `json:"CloudFrontDistribution,omitempty"`
	Version                string                  `json:"Version,omitempty"`
	Status                 string                  `json:"Status,omitempty"`
	CustomDomainConfig     *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion    int                     `json:"ManagedLoginVersion,omitempty"`
}

type DescribeUserPoolDomainOutput struct {
	DomainDescription DomainDescriptionType `json:"DomainDescription"`
}

type DeleteUserPoolDomainInput struct {
	Domain     string `json:"Domain"`
	UserPoolId string `json:"UserPoolId"`
}

// domainSettings is what a domain keeps besides its name and pool.
type domainSettings struct {
	CustomDomainConfig  *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion int                     `json:"ManagedLoginVersion"`
}

var (
	domainPrefix   = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
	customDomain   = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)+$`)
	certificateARN = regexp.MustCompile(`^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]{12}:certificate/[\w+=/,.@-]+$`)
)

// checkDomain validates a Create or Update request and tells a prefix from
// a custom domain.
func (s *Service) checkDomain(in *UserPoolDomainInput) (custom bool, err error) {
	switch in.ManagedLoginVersion {
	case 0, 1:
	case 2:
		return false, invalidParameter("ManagedLoginVersion 2 (managed login branding) is not supported by this moat version; use 1, the classic hosted UI.")
	default:
		return false, invalidParameter("1 validation error detected: Value '%d' at 'managedLoginVersion' failed to satisfy constraint: Member must be 1 or 2", in.ManagedLoginVersion)
	}
	if in.CustomDomainConfig == nil {
		if !domainPrefix.MatchString(in.Domain) {
			return false, invalidParameter("1 validation error detected: Value '%s' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$", in.Domain)
		}
		return false, nil
	}
	if !customDomain.MatchString(in.Domain) || len(in.Domain) > 253 {
		return true, invalidParameter("Custom domain %s is not a valid fully qualified domain name.", in.Domain)
	}
	if s.authDomainSuffix != "" && strings.HasSuffix(in.Domain, "."+s.authDomainSuffix) {
		return true, invalidParameter("Custom domain %s is under the auth domain %s; create it as the prefix domain instead.", in.Domain, s.authDomainSuffix)
	}
	if !certificateARN.MatchString(in.CustomDomainConfig.CertificateArn) {
		return true, invalidParameter("1 validation error detected: Value '%s' at 'customDomainConfig.certificateArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?", in.CustomDomainConfig.CertificateArn)
	}
	return true, nil
}

// domainRequest checks a Create or Update request against its pool and
// returns the domain's settings, as stored.
func (s *Service) domainRequest(ctx context.Context, in *UserPoolDomainInput) (custom bool, settings domainSettings, raw []byte, err error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return false, settings, nil, err
	}
	if custom, err = s.checkDomain(in); err != nil {
		return false, settings, nil, err
	}
	settings = domainSettings{CustomDomainConfig: in.CustomDomainConfig, ManagedLoginVersion: max(in.ManagedLoginVersion, 1)}
	raw, _ = json.Marshal(settings) // plain structs always encode
	return custom, settings, raw, nil
}

func (s *Service) CreateUserPoolDomain(ctx context.Context, in *UserPoolDomainInput) (*UserPoolDomainOutput, error) {
	custom, settings, raw, err := s.domainRequest(ctx, in)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.store.CreateDomain(ctx, store.Domain{Domain: in.Domain, PoolID: in.UserPoolId, Custom: custom, Settings: raw, CreatedAt: now, UpdatedAt: now})
	if errors.Is(err, store.ErrAlreadyExists) {
		if d, getErr := s.store.GetDomain(ctx, in.Domain); getErr == nil && d.PoolID != in.UserPoolId {
			return nil, invalidParameter("Domain already associated with another user pool.")
		}
		return nil, invalidParameter("User pool already has a domain configured.")
	}
	if err != nil {
		return nil, storeErr(err, poolNotFound(in.UserPoolId))
	}
	return s.domainOutput(custom, settings), nil
}

func (s *Service) domainOutput(custom bool, settings domainSettings) *UserPoolDomainOutput {
	out := &UserPoolDomainOutput{ManagedLoginVersion: settings.ManagedLoginVersion}
	if custom {
		out.CloudFrontDomain = s.publicHost // the CNAME target: where moat is reached
	}
	return out
}

// UpdateUserPoolDomain changes a domain's certificate or login version.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *UserPoolDomainInput) (*UserPoolDomainOutput, error) {
	custom, settings, raw, err := s.domainRequest(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.store.UpdateDomain(ctx, in.Domain, func(d store.Domain) (store.Domain, error) {
		if d.PoolID != in.UserPoolId || d.Custom != custom {
			return d, domainNotFound(in.Domain)
		}
		d.Settings, d.UpdatedAt = raw, s.clock()
		return d, nil
	})
	if err != nil {
		return nil, storeErr(err, domainNotFound(in.Domain))
	}
	return s.domainOutput(custom, settings), nil
}

func domainNotFound(domain string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Domain %s does not exist for this user pool.", domain)
}

// DescribeUserPoolDomain answers an empty description for a domain no pool
// has, as Cognito does.
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *DescribeUserPoolDomainInput) (*DescribeUserPoolDomainOutput, error) {
	if in.Domain == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null")
	}
	d, err := s.store.GetDomain(ctx, in.Domain)
	if errors.Is(err, store.ErrNotFound) {
		return &DescribeUserPoolDomainOutput{}, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	var settings domainSettings
	if err := json.Unmarshal(d.Settings, &settings); err != nil {
		return nil, awserr.Internal(err)
	}
	desc := DomainDescriptionType{UserPoolId: d.PoolID, AWSAccountId: s.account, Domain: d.Domain, Version: "1", Status: "ACTIVE",
		CustomDomainConfig: settings.CustomDomainConfig, ManagedLoginVersion: settings.ManagedLoginVersion, CloudFrontDistribution: s.publicHost}
	return &DescribeUserPoolDomainOutput{DomainDescription: desc}, nil
}

func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *DeleteUserPoolDomainInput) (*Empty, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	d, err := s.store.GetDomain(ctx, in.Domain)
	if err != nil {
		return nil, storeErr(err, domainNotFound(in.Domain))
	}
	if d.PoolID != in.UserPoolId {
		return nil, domainNotFound(in.Domain)
	}
	return &Empty{}, storeErr(s.store.DeleteDomain(ctx, in.Domain), domainNotFound(in.Domain))
}

// poolDomains are the pool's prefix and custom domains ("" for none).
func (s *Service) poolDomains(ctx context.Context, poolID string) (prefix, custom string, err error) {
	list, err := s.store.ListPoolDomains(ctx, poolID)
	if err != nil {
		return "", "", storeErr(err, poolNotFound(poolID))
	}
	for _, d := range list {
		if d.Custom {
			custom = d.Domain
		} else {
			prefix = d.Domain
		}
	}
	return prefix, custom, nil
}

// PoolOfHost is the pool whose domain a request's host names, or "" when
// it names none: a custom domain itself, or a prefix under the suffix.
func (s *Service) PoolOfHost(ctx context.Context, host string) (string, error) {
	host = strings.ToLower(host)
	key, custom := host, true
	if s.authDomainSuffix != "" {
		if prefix, ok := strings.CutSuffix(host, "."+s.authDomainSuffix); ok {
			key, custom = prefix, false
		}
	}
	d, err := s.store.GetDomain(ctx, key)
	if errors.Is(err, store.ErrNotFound) || err == nil && d.Custom != custom {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return d.PoolID, nil
}

// DomainHost is the host name a pool's endpoints answer on (its custom
// domain, else its prefix domain), or "" without a domain.
func (s *Service) DomainHost(ctx context.Context, poolID string) (string, error) {
	prefix, custom, err := s.poolDomains(ctx, poolID)
	switch {
	case err != nil:
		return "", err
	case custom != "":
		return custom, nil
	case prefix != "" && s.authDomainSuffix != "":
		return prefix + "." + s.authDomainSuffix, nil
	}
	return "", nil
}

package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/clientip"
	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/console"
	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/functions"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/mail"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/sms"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/userpool"
	"github.com/moat-dev/moat/internal/waf"
	"github.com/spf13/pflag"
)

// Config is moat's configuration. Its YAML keys are the flag names, so a
// config file reads like the command line. The file's sections (roles:,
// apiKeys:, …) are each one field below, of a type the package owning the
// concept declares: it decodes and validates its section (configfile), and
// serve applies it.
type Config struct {
	DataDir           string `yaml:"data-dir"`
	DatabaseURL       string `yaml:"database-url"`
	RedisURL          string `yaml:"redis-url"`
	IdentityAddr      string `yaml:"identity-addr"`
	GatewayAddr       string `yaml:"gateway-addr"`
	Region            string `yaml:"region"`
	IdentityPublicURL string `yaml:"identity-public-url"`
	AuthDomainSuffix  string `yaml:"auth-domain-suffix"`
	LogLevel          string `yaml:"log-level"`
	SMTPURL           string `yaml:"smtp-url"`
	SMTPFrom          string `yaml:"smtp-from"`
	WAFGeoIPDB        string `yaml:"waf-geoip-db"`
	SMSWebhookURL     string `yaml:"sms-webhook-url"`
	SMSWebhookSecret  string `yaml:"sms-webhook-secret"`
	TrustedProxies    string `yaml:"trusted-proxies"`
	MasterKeyFile     string `yaml:"master-key-file"`
	FunctionMemory    string `yaml:"function-memory"`
	ProfileAddr       string `yaml:"profile-addr"`
	// APIFiles are API definitions to serve (--api, MOAT_API comma-separated):
	// OpenAPI documents with API Gateway extensions, or YAML with apis:.
	APIFiles []string `yaml:"api"`
	// APIs are defined inline in the config file.
	APIs []gateway.API `yaml:"apis"`
	// ConfigFile is the --config file this configuration was read from, if any.
	ConfigFile string `yaml:"-"`
	// UserPoolLimits caps sign-in, sign-up and code requests per source
	// address and per user; unset, throttle.DefaultLimits apply.
	UserPoolLimits *throttle.Limits `yaml:"user-pool-limits"`
	// Usage is apiKeys: and usagePlans:.
	Usage usage.Section `yaml:",inline"`
	// Roles is roles:, IAM roles.
	Roles roles.Section `yaml:"roles"`
	// UserPools is userPools: (pools, app clients, groups, users) and
	// IdentityPools identityPools:, referred to by name from the other
	// sections (${userPool:shop}); see resolveReferences.
	UserPools     userpool.Section     `yaml:"userPools"`
	IdentityPools identitypool.Section `yaml:"identityPools"`
	// WAF is ipSets:, regexPatternSets: and webACLs:, declared in the
	// config file in WAFv2's shapes and made so at every start.
	WAF waf.Section `yaml:",inline"`
	// AccountID is the 12-digit AWS account ID in the ARNs moat makes.
	AccountID string `yaml:"account-id"`
	// Events is events:, where user-change events are delivered.
	Events events.Section `yaml:"events"`
	// Functions is functions:, Lambda functions declared in the file.
	Functions functions.Section `yaml:"functions"`
	// Console is console:, the web console's idle timeout and read-only credentials.
	Console console.Section `yaml:"console"`
}

// setting is one flag: its name is also its YAML key and, upper-cased with
// MOAT_ in front, its environment variable.
type setting struct {
	name, def, usage, example string
	field                     func(*Config) *string
}

var settings = []setting{
	{"data-dir", "./moat-data", "directory holding the SQLite database (moat.db) and, unless a master key is given, the generated master.key; created if missing", "/var/lib/moat",
		func(c *Config) *string { return &c.DataDir }},
	{"database-url", "", "PostgreSQL database to keep state in instead of SQLite", "postgres://moat@db:5432/moat",
		func(c *Config) *string { return &c.DatabaseURL }},
	{"redis-url", "", "Redis server for shared rate limits and caches across moat instances", "redis://127.0.0.1:6379/0",
		func(c *Config) *string { return &c.RedisURL }},
	{"identity-addr", "127.0.0.1:9229", "address the identity API (Cognito, admin APIs, JWKS, /healthz, /metrics) listens on", "0.0.0.0:9229",
		func(c *Config) *string { return &c.IdentityAddr }},
	{"gateway-addr", "127.0.0.1:8080", "address the API gateway listens on", "0.0.0.0:8080",
		func(c *Config) *string { return &c.GatewayAddr }},
	{"region", "us-east-1", "AWS region moat presents (pool ids, signatures, issuers)", "eu-west-1",
		func(c *Config) *string { return &c.Region }},
	{"identity-public-url", "", "URL clients reach the identity API at, used in token issuers (default http://<identity-addr>)", "https://auth.example.com",
		func(c *Config) *string { return &c.IdentityPublicURL }},
	{"auth-domain-suffix", "auth.localhost", "domain user pools' prefix domains are made under: CreateUserPoolDomain with Domain myapp serves that pool's hosted pages and OAuth endpoints at myapp.<suffix> (point a wildcard DNS name at the identity listener; *.localhost reaches loopback in browsers)", "auth.example.test",
		func(c *Config) *string { return &c.AuthDomainSuffix }},
	{"account-id", "000000000000", "AWS account ID moat presents in the ARNs it makes (IAM roles)", "123456789012",
		func(c *Config) *string { return &c.AccountID }},
	{"log-level", "info", "least severe log level written: debug, info, warn or error", "debug",
		func(c *Config) *string { return &c.LogLevel }},
	{"smtp-url", "", "SMTP server user-pool mail goes through: smtp:// (STARTTLS when offered, port 587) or smtps:// (TLS, port 465), user and password URL-encoded; unset, mail is written to the log", "smtps://moat:secret@mail.example.com",
		func(c *Config) *string { return &c.SMTPURL }},
	{"waf-geoip-db", "", "MaxMind GeoLite2/GeoIP2 Country (or City) .mmdb file the WAF's GeoMatchStatement looks countries up in; unset, web ACLs with GeoMatchStatement are refused", "/var/lib/moat/GeoLite2-Country.mmdb",
		func(c *Config) *string { return &c.WAFGeoIPDB }},
	{"smtp-from", "", "From address of user-pool mail, required with smtp-url", `"moat <no-reply@example.com>"`,
		func(c *Config) *string { return &c.SMTPFrom }},
	{"sms-webhook-url", "", "HTTP endpoint user-pool SMS (SMS_MFA and SMS_OTP codes) is POSTed to as signed JSON, for it to hand to an SMS provider; unset, SMS is written to the log", "https://sms-relay.internal/send",
		func(c *Config) *string { return &c.SMSWebhookURL }},
	{"sms-webhook-secret", "", "key that signs each SMS webhook request (Standard Webhooks: webhook-signature v1), whsec_ and 24-64 random bytes in base64, required with sms-webhook-url", "whsec_$(head -c 32 /dev/urandom | base64)",
		func(c *Config) *string { return &c.SMSWebhookSecret }},
	{"trusted-proxies", "", "load balancers in front of the identity API, as CIDRs or addresses, comma-separated: their X-Forwarded-For (or Forwarded) names the client that rate limits and logs use; unset, the TCP peer is the client and those headers are ignored", "10.0.0.0/8,192.0.2.7",
		func(c *Config) *string { return &c.TrustedProxies }},
	{"function-memory", functions.MemoryCgroup, "how functions' MemorySize is enforced: cgroup (each worker in a memory cgroup of its own, killed past its MemorySize as on Lambda; functions with code are refused where moat can make none) or unenforced (MemorySize reported, not enforced: the explicit choice for machines without a writable cgroup)", functions.MemoryUnenforced,
		func(c *Config) *string { return &c.FunctionMemory }},
	{"profile-addr", "", "loopback address serving Go's runtime profiles (net/http/pprof: /debug/pprof/profile, heap, goroutine, trace) for diagnosing CPU and memory; unset, none are served", "127.0.0.1:6060",
		func(c *Config) *string { return &c.ProfileAddr }},
	{"master-key-file", "", "file holding the master key that seals secrets at rest (32 random bytes, base64); MOAT_MASTER_KEY may hold the key itself instead; with neither, moat generates <data-dir>/master.key: keep it apart from database backups", "/run/secrets/moat-master-key",
		func(c *Config) *string { return &c.MasterKeyFile }},
}

const (
	configFlag = "config"
	apiFlag    = "api"
)

func envName(flag string) string {
	return "MOAT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// addFlags registers every setting and --config on flags.
func addFlags(flags *pflag.FlagSet) {
	addSettingFlags(flags, nil)
	flags.StringArray(apiFlag, nil, fmt.Sprintf("API definition to serve, repeatable: OpenAPI (API Gateway export) or YAML with apis: (env %s, comma-separated; e.g. --api ./petstore.json)", envName(apiFlag)))
}

// storeSettings are the flags a command that only opens the store needs;
// its --help lists these and no others (the rest still apply from the
// environment and the config file).
var storeSettings = []string{"data-dir", "database-url", "master-key-file", "log-level"}

// addStoreFlags defines --config and the store's flags.
func addStoreFlags(flags *pflag.FlagSet) { addSettingFlags(flags, storeSettings) }

// addSettingFlags defines --config and the settings named (nil: all).
func addSettingFlags(flags *pflag.FlagSet, only []string) {
	flags.String(configFlag, "", fmt.Sprintf("YAML file whose keys are these flag names (env %s; e.g. --config /etc/moat.yaml)", envName(configFlag)))
	for _, s := range settings {
		if only == nil || slices.Contains(only, s.name) {
			flags.String(s.name, s.def, fmt.Sprintf("%s (env %s; e.g. --%s %s)", s.usage, envName(s.name), s.name, s.example))
		}
	}
}

// loadConfig layers the configuration: a flag given on the command line beats
// its environment variable, which beats the config file, which beats the default.
func loadConfig(flags *pflag.FlagSet, lookupEnv func(string) (string, bool)) (Config, error) {
	cfg := defaultConfig()
	if path := layered(flags, configFlag, lookupEnv); path != "" {
		if err := readConfigFile(path, &cfg); err != nil {
			return Config{}, err
		}
		cfg.ConfigFile = path
	}
	for _, s := range settings {
		if flags.Changed(s.name) {
			*s.field(&cfg), _ = flags.GetString(s.name)
		} else if v, ok := lookupEnv(envName(s.name)); ok {
			*s.field(&cfg) = v
		}
	}
	if flags.Changed(apiFlag) {
		cfg.APIFiles, _ = flags.GetStringArray(apiFlag)
	} else if v, ok := lookupEnv(envName(apiFlag)); ok && v != "" {
		cfg.APIFiles = strings.Split(v, ",")
	}
	if cfg.IdentityPublicURL == "" {
		cfg.IdentityPublicURL = "http://" + cfg.IdentityAddr
	}
	cfg.IdentityPublicURL = strings.TrimRight(cfg.IdentityPublicURL, "/")
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, cfg.resolveReferences()
}

// resolveReferences replaces the names one section gives what another
// declares (userPools: [shop], ${userPool:shop}, a group's role) by ids
// and ARNs: every section that declares names lends them first, then each
// section resolves its own references.
func (c *Config) resolveReferences() error {
	refs := configfile.NewReferences()
	c.Roles.DeclareNames(refs, c.AccountID)
	c.UserPools.DeclareNames(refs, c.Region, c.IdentityPublicURL)
	c.IdentityPools.DeclareNames(refs, c.Region)
	err := errors.Join(
		configfile.At("roles", c.Roles.Resolve(refs)),
		configfile.At("userPools", c.UserPools.Resolve(refs)),
		configfile.At("identityPools", c.IdentityPools.Resolve(refs)),
		gateway.ResolveReferences(c.APIs, refs, "apis"),
	)
	if err != nil {
		return fmt.Errorf("config file %s: %s", c.ConfigFile, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// defaultConfig is every setting at its default.
func defaultConfig() Config {
	var cfg Config
	for _, s := range settings {
		*s.field(&cfg) = s.def
	}
	return cfg
}

// layered is one flag's value from the command line or else the environment.
func layered(flags *pflag.FlagSet, name string, lookupEnv func(string) (string, bool)) string {
	if flags.Changed(name) {
		v, _ := flags.GetString(name)
		return v
	}
	v, _ := lookupEnv(envName(name))
	return v
}

// readConfigFile overlays the file's keys on cfg; a key moat does not know is
// an error naming it, so a typo is never silently ignored.
func readConfigFile(path string, cfg *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	if err := configfile.Decode(data, cfg); err != nil {
		return fmt.Errorf("config file %s: %s", path, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

var (
	regionPattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountIDPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	authDomainPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
)

func (c Config) validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, a := range []struct{ name, value string }{{"identity-addr", c.IdentityAddr}, {"gateway-addr", c.GatewayAddr}} {
		if _, _, err := net.SplitHostPort(a.value); err != nil {
			bad("%s %q is not host:port", a.name, a.value)
		}
	}
	if !regionPattern.MatchString(c.Region) {
		bad("region %q is not an AWS region name like us-east-1", c.Region)
	}
	if !accountIDPattern.MatchString(c.AccountID) {
		bad("account-id %q is not a 12-digit AWS account ID", c.AccountID)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(c.LogLevel)) {
		bad("log-level %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		bad("data-dir is empty and no database-url is set")
	}
	checkURL := func(name, value string, schemes ...string) {
		u, err := url.Parse(value)
		if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
			bad("%s %q is not a %s:// URL", name, redactURL(value), strings.Join(schemes, ":// or "))
		}
	}
	if c.DatabaseURL != "" {
		checkURL("database-url", c.DatabaseURL, "postgres", "postgresql")
	}
	if c.RedisURL != "" {
		checkURL("redis-url", c.RedisURL, "redis", "rediss")
	}
	checkURL("identity-public-url", c.IdentityPublicURL, "http", "https")
	if !authDomainPattern.MatchString(c.AuthDomainSuffix) {
		bad("auth-domain-suffix %q is not a domain name like auth.example.test", c.AuthDomainSuffix)
	}
	if c.SMTPURL != "" {
		if c.SMTPFrom == "" {
			bad("smtp-from is required when smtp-url is set (e.g. %s=%q)", envName("smtp-from"), "moat <no-reply@example.com>")
		} else if _, err := mail.NewSMTPSender(c.SMTPURL, c.SMTPFrom); err != nil {
			bad("smtp-url/smtp-from: %v", err)
		}
	}
	if c.SMSWebhookURL != "" || c.SMSWebhookSecret != "" {
		if _, err := sms.NewWebhookSender(c.SMSWebhookURL, c.SMSWebhookSecret); err != nil {
			bad("sms-webhook-url/sms-webhook-secret: %v", err)
		}
	}
	if _, err := clientip.ParseProxies(c.TrustedProxies); err != nil {
		bad("trusted-proxies: %v", err)
	}
	if err := functions.CheckMemory(c.FunctionMemory); err != nil {
		bad("function-memory: %v", err)
	}
	if len(problems) > 0 {
		return errors.New("invalid configuration: " + strings.Join(problems, "; "))
	}
	return nil
}

// redactURL hides a password a URL may carry before it is shown in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "(unparsable URL)"
	case u.User == nil:
		return raw
	}
	return u.Redacted()
}

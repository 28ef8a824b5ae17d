package console

import (
	"errors"
	"regexp"
	"time"

	"github.com/moat-dev/moat/internal/admin"
	"github.com/moat-dev/moat/internal/configfile"
)

// Section is the config file's console: how long an idle session lasts
// and the console-only credentials besides the admin pair (which always
// signs in with every right).
//
//	console:
//	  idleTimeout: 15m
//	  credentials:
//	    - accessKeyId: AKIACONSOLEVIEWER001
//	      secretFromEnv: MOAT_CONSOLE_VIEWER_SECRET
//	      console: read-only
type Section struct {
	// IdleTimeout ends a session unused this long (DefaultIdleTimeout).
	IdleTimeout time.Duration      `yaml:"idleTimeout,omitempty"`
	Credentials []CredentialConfig `yaml:"credentials,omitempty"`
}

// CredentialConfig is a console sign-in other than the admin pair. Its
// secret is read from the environment or a file, never held in the file.
// Console is its role: read-only is the one there is (it sees every page
// and changes nothing); these credentials sign no AWS API.
type CredentialConfig struct {
	AccessKeyID    string `yaml:"accessKeyId"`
	SecretFromEnv  string `yaml:"secretFromEnv,omitempty"`
	SecretFromFile string `yaml:"secretFromFile,omitempty"`
	Console        Role   `yaml:"console"`
}

// DefaultIdleTimeout ends sessions left alone for a quarter of an hour.
const DefaultIdleTimeout = 15 * time.Minute

// minSecretLength keeps console secrets as hard to guess as the admin
// pair's 40 characters are meant to be.
const minSecretLength = 20

var accessKeyIDPattern = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)

// Validate checks the section without reading secrets; errors name the setting.
func (s Section) Validate() error {
	var errs []error
	if s.IdleTimeout < 0 || s.IdleTimeout > 12*time.Hour {
		errs = append(errs, configfile.Errorf("idleTimeout", "must be between 0 (the default, %s) and 12h", DefaultIdleTimeout))
	}
	seen := map[string]bool{}
	for i, c := range s.Credentials {
		at := configfile.Index("credentials", i)
		if !accessKeyIDPattern.MatchString(c.AccessKeyID) {
			errs = append(errs, configfile.Errorf(configfile.Key(at, "accessKeyId"), "must be 16 to 128 upper-case letters and digits, like an AWS access key ID"))
		}
		if seen[c.AccessKeyID] {
			errs = append(errs, configfile.Errorf(configfile.Key(at, "accessKeyId"), "%s is given twice", c.AccessKeyID))
		}
		seen[c.AccessKeyID] = true
		if (c.SecretFromEnv == "") == (c.SecretFromFile == "") {
			errs = append(errs, configfile.Errorf(at, "needs exactly one of secretFromEnv and secretFromFile"))
		}
		if c.Console != ReadOnly {
			errs = append(errs, configfile.Errorf(configfile.Key(at, "console"), "must be %q (the admin credentials are the console's full access)", ReadOnly))
		}
	}
	return errors.Join(errs...)
}

// Resolve reads the credentials' secrets, refusing any the admin pair
// shares an access key ID with.
func (s Section) Resolve(adminCreds admin.Credentials) ([]Credential, error) {
	var out []Credential
	for i, c := range s.Credentials {
		at := configfile.Index("credentials", i)
		secret, err := configfile.ReadSecret(c.SecretFromEnv, c.SecretFromFile)
		if err != nil {
			return nil, configfile.Errorf(at, "secret: %v", err)
		}
		if len(secret) < minSecretLength {
			return nil, configfile.Errorf(at, "secret: must be at least %d characters", minSecretLength)
		}
		if c.AccessKeyID == adminCreds.AccessKeyID {
			return nil, configfile.Errorf(configfile.Key(at, "accessKeyId"), "is the admin access key ID")
		}
		out = append(out, Credential{Credentials: admin.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: secret}, Role: c.Console})
	}
	return out, nil
}

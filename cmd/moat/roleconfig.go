package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/moat-dev/moat/internal/iam"
	"github.com/moat-dev/moat/internal/roles"
)

// RoleConfig declares an IAM role in the config file (roles:). At every
// start the role is created or brought back to exactly this, so the file
// wins over changes made through the IAM API to the roles it names.
type RoleConfig struct {
	Name               string `yaml:"name"`
	Path               string `yaml:"path,omitempty"`
	Description        string `yaml:"description,omitempty"`
	MaxSessionDuration int64  `yaml:"maxSessionDuration,omitempty"`
	// AssumeRolePolicy is the trust policy; Policies are the inline
	// permission policies by name.
	AssumeRolePolicy iam.Document            `yaml:"assumeRolePolicy"`
	Policies         map[string]iam.Document `yaml:"policies,omitempty"`
	Tags             map[string]string       `yaml:"tags,omitempty"`
}

// applyRoleConfig makes the store hold the declared roles. Running it again
// changes nothing, so every replica may run it at start.
func applyRoleConfig(ctx context.Context, svc *roles.Service, declared []RoleConfig) error {
	seen := map[string]bool{}
	for _, rc := range declared {
		if seen[strings.ToLower(rc.Name)] {
			return fmt.Errorf("roles: %q is declared twice (role names ignore case)", rc.Name)
		}
		seen[strings.ToLower(rc.Name)] = true
		policies := map[string]string{}
		for name, doc := range rc.Policies {
			policies[name] = string(doc)
		}
		_, err := svc.Declare(ctx, roles.Declaration{
			RoleInput: roles.RoleInput{
				Name: rc.Name, Path: rc.Path, Description: rc.Description,
				AssumeRolePolicy: string(rc.AssumeRolePolicy), MaxSessionDuration: rc.MaxSessionDuration, Tags: rc.Tags,
			},
			Policies: policies,
		})
		if err != nil {
			return fmt.Errorf("roles %q: %w", rc.Name, err)
		}
	}
	return nil
}

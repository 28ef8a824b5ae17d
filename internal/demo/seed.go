package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// Seeded is the demo's pool and app client.
type Seeded struct {
	PoolID, ClientID string
}

// seed finds or creates the demo pool, app client and group. Each is
// created only when missing, so later starts change nothing. The users
// come later (createUsers), once moat is sure to run.
func seed(ctx context.Context, pools *userpool.Service, st store.Store) (Seeded, error) {
	poolID, err := claim(ctx, st, "demo.user-pool", demoPool{pools})
	if err != nil {
		return Seeded{}, err
	}
	clientID, err := claim(ctx, st, "demo.app-client", demoClient{pools: pools, poolID: poolID, name: ClientName,
		config: userpool.ClientConfig{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		return Seeded{}, err
	}
	_, err = pools.CreateGroup(ctx, &userpool.GroupInput{UserPoolId: poolID, GroupName: Group, Description: ptr("may add dragons")})
	if err != nil && !isCode(err, awserr.GroupExists) {
		return Seeded{}, fmt.Errorf("demo group: %w", err)
	}
	return Seeded{PoolID: poolID, ClientID: clientID}, nil
}

// createUsers creates the demo users that are missing, each with a fresh
// random password, and returns those passwords by username: empty on every
// later start, since passwords are stored only as hashes and shown once.
func createUsers(ctx context.Context, pools *userpool.Service, poolID string) (map[string]string, error) {
	passwords := map[string]string{}
	for _, name := range []string{Rider, Keeper} {
		pw, err := createUser(ctx, pools, poolID, name)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", name, err)
		}
		if pw == "" {
			continue
		}
		passwords[name] = pw
		if name == Keeper {
			in := &userpool.MembershipInput{UserPoolId: poolID, Username: name, GroupName: Group}
			if _, err := pools.AdminAddUserToGroup(ctx, in); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", name, err)
			}
		}
	}
	return passwords, nil
}

// createUser creates a confirmed user with a fresh random password and
// returns the password; "" when the user exists (another start made it).
// The temporary password is the permanent one, so whichever of two racing
// starts creates the user, the password it prints is the one that works.
func createUser(ctx context.Context, pools *userpool.Service, poolID, name string) (string, error) {
	pw := newPassword()
	_, err := pools.AdminCreateUser(ctx, &userpool.AdminCreateUserInput{
		UserPoolId: poolID, Username: name, TemporaryPassword: pw, MessageAction: "SUPPRESS",
	})
	switch {
	case isCode(err, awserr.UsernameExists):
		return "", nil
	case err != nil:
		return "", err
	}
	_, err = pools.AdminSetUserPassword(ctx, &userpool.AdminSetUserPasswordInput{
		UserPoolId: poolID, Username: name, Password: pw, Permanent: true,
	})
	return pw, err
}

func isCode(err error, code string) bool {
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == code
}

func ptr[T any](v T) *T { return &v }

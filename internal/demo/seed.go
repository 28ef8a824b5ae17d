package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// Seeded is the demo's pool and app client, and the passwords of the users
// this start created: empty on every later start, since passwords are stored
// only as hashes and shown once.
type Seeded struct {
	PoolID, ClientID string
	// Passwords maps username to password for the users created just now.
	Passwords map[string]string
}

// seed finds or creates the demo pool, app client, group and users. Each is
// created only when missing, so later starts change nothing.
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
	s := Seeded{PoolID: poolID, ClientID: clientID, Passwords: map[string]string{}}
	_, err = pools.CreateGroup(ctx, &userpool.GroupInput{UserPoolId: poolID, GroupName: Group, Description: ptr("may add dragons")})
	if err != nil && !isCode(err, awserr.GroupExists) {
		return Seeded{}, fmt.Errorf("demo group: %w", err)
	}
	for _, name := range []string{Rider, Keeper} {
		pw, err := createUser(ctx, pools, poolID, name)
		if err != nil {
			return Seeded{}, fmt.Errorf("demo user %s: %w", name, err)
		}
		if pw == "" {
			continue
		}
		s.Passwords[name] = pw
		if name == Keeper {
			in := &userpool.MembershipInput{UserPoolId: poolID, Username: name, GroupName: Group}
			if _, err := pools.AdminAddUserToGroup(ctx, in); err != nil {
				return Seeded{}, fmt.Errorf("demo user %s: %w", name, err)
			}
		}
	}
	return s, nil
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

package userpool

import (
	"context"
	"errors"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/password"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/throttle"
	"github.com/moat-dev/moat/internal/userpool/signin"
)

// passwordFlow is a flow that sends USERNAME and PASSWORD, and the client
// setting that enables it.
type passwordFlow struct {
	allow   string
	refusal string
}

func init() {
	public := passwordFlow{"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client"}
	admin := passwordFlow{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client"}
	registerFlow(signin.UserPasswordAuth, flowHandler{entries: publicEntry, start: public.start})
	registerFlow(signin.AdminUserPasswordAuth, flowHandler{entries: adminEntry, start: admin.start})
	registerFlow(signin.AdminNoSRPAuth, flowHandler{entries: adminEntry, start: admin.start})
}

func (f passwordFlow) start(s *Service, ctx context.Context, a *attempt) (*AuthOutput, error) {
	if !a.client.allowsFlow(f.allow) {
		return nil, invalidParameter("%s", f.refusal)
	}
	return s.passwordAuth(ctx, a)
}

// passwordAuth checks USERNAME/PASSWORD. Unknown users cost one password
// hash too, and a disabled user's wrong password is just a wrong password,
// so neither answer nor timing tells who exists.
func (s *Service) passwordAuth(ctx context.Context, a *attempt) (*AuthOutput, error) {
	username, pw := a.params["USERNAME"], a.params["PASSWORD"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if pw == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	if err := s.limiter.SignIn(ctx, a.call.Caller, a.pool.ID, a.pool.userKey(username)); err != nil {
		return nil, err
	}
	if s.hasher.Saturated() { // refused now rather than after the lookups
		return nil, throttle.ErrTooManyRequests
	}
	u, err := s.lookupUser(ctx, a.pool, username)
	if err == errUserNotFound {
		if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if migrated, ok, err := s.migrateUser(ctx, a.pool, a.call, signin.MigrateOnSignIn, username, pw); ok || err != nil {
			if err != nil {
				return nil, err
			}
			return s.passwordAccepted(ctx, a, migrated)
		}
		if a.client.preventsUserExistenceErrors() {
			// The hook is asked as for a user, told there is none.
			if err := s.preAuthentication(ctx, a, store.User{Username: username}, true); err != nil {
				return nil, err
			}
		}
		if err := s.decoyCheck(ctx, a.pool, func() { password.Burn(pw) }); err != nil {
			return nil, err
		}
		if a.client.preventsUserExistenceErrors() {
			return nil, errIncorrectCredentials
		}
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := a.client.checkSecretHash(a.params["SECRET_HASH"], username, u.Username, u.Sub); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, a, u, false); err != nil {
		return nil, err
	}
	if u.PasswordHash == "" && u.Status == string(signin.ResetRequired) {
		return nil, errPasswordResetNeeded // imported: there is no password to check until it is reset
	}
	if err := s.verifyPassword(ctx, u, pw, a.signInFailure()); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	return s.passwordAccepted(ctx, a, u)
}

// migrateUser asks the migration hook, when there is one, to vouch for a
// user the pool does not have; a user it returns is created, with the
// password given when signing in (none when resetting it, so the user must
// reset it), and goes on signing in or resetting.
func (s *Service) migrateUser(ctx context.Context, p *pool, call signin.Call, source signin.MigrationSource, username, pw string) (store.User, bool, error) {
	h := s.hooks.UserMigration
	if h == nil {
		return store.User{}, false, nil
	}
	m, err := h.MigrateUser(ctx, &signin.MigrationEvent{Call: call, Source: source, Username: username, Password: pw})
	if err != nil || m == nil {
		return store.User{}, false, hookFailed(err)
	}
	status := m.FinalStatus
	if status != signin.ResetRequired {
		status = signin.Confirmed
	}
	if source == signin.MigrateOnForgotPassword {
		status = signin.ResetRequired
	}
	attrs := map[string]string{}
	for k, v := range m.UserAttributes {
		attrs[k] = v
	}
	if err := s.claimAliases(ctx, p, "", attrs, m.ForceAliasCreation); err != nil {
		return store.User{}, false, err
	}
	now := s.clock()
	sub := newSub()
	attrs["sub"] = sub
	u := store.User{PoolID: p.ID, Key: p.userKey(username), Username: username, Sub: sub, Status: string(status),
		Enabled: true, Attributes: attrs, CreatedAt: now, UpdatedAt: now}
	if pw != "" {
		// The legacy store vouched for the password: it is kept as it is,
		// the pool's policy notwithstanding (as Cognito does).
		np, err := s.derivePassword(ctx, p, username, pw)
		if err != nil {
			return store.User{}, false, err
		}
		if err := np.setOnState(&u); err != nil {
			return store.User{}, false, err
		}
	}
	if err := s.users.create(ctx, u, change{kind: userCreated, operation: "UserMigration", clientID: call.ClientID}); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) { // a concurrent call migrated it first
			return store.User{}, false, errIncorrectCredentials
		}
		return store.User{}, false, awserr.Internal(err)
	}
	return u, true, nil
}

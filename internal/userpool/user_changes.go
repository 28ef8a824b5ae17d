package userpool

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/store"
)

// Every change to a user goes through Service.users: each write says which
// change it makes, and that change's event goes to the outbox in the same
// transaction, so the two land together or not at all (package events
// delivers it). The Service's own store (poolStore) has no user or session
// writes, so a new write cannot be made without naming its change.

// poolStore is the store as the Service uses it directly.
type poolStore interface {
	store.Settings
	store.UserPools
	store.Clients
	store.Groups
	store.UserReads
	store.SigningKeys
	store.SessionReads
	store.Nonces
	// A user's factors, devices and federation links are not user changes
	// that emit events; the OAuth provider's aggregates are the pool's.
	store.UserSecrets
	store.Passkeys
	store.Devices
	store.ResourceServers
	store.Domains
	store.IdentityProviders
	store.UICustomizations
	store.ProviderLinks
	store.UserImports // jobs and their files; the users they make go through userWrites
	Atomic(ctx context.Context, fn func(tx store.Store) error) error
}

// changeKind is a change's event detail-type; bookkeeping (attempt
// counters, pending codes, spent SRP blocks) emits none.
type changeKind string

const (
	bookkeeping         changeKind = ""
	userSignedUp        changeKind = "User Signed Up"
	userCreated         changeKind = "User Created"
	userConfirmed       changeKind = "User Confirmed"
	userSignedIn        changeKind = "User Signed In"
	userSignInFailed    changeKind = "User Sign-In Failed"
	passwordChanged     changeKind = "User Password Changed"
	passwordReset       changeKind = "User Password Reset"
	passwordSet         changeKind = "User Password Set"
	attributesUpdated   changeKind = "User Attributes Updated"
	attributesDeleted   changeKind = "User Attributes Deleted"
	attributeVerified   changeKind = "User Attribute Verified"
	addedToGroup        changeKind = "User Added To Group"
	removedFromGroup    changeKind = "User Removed From Group"
	userDisabled        changeKind = "User Disabled"
	userEnabled         changeKind = "User Enabled"
	userDeleted         changeKind = "User Deleted"
	userSignedOutGlobal changeKind = "User Signed Out Globally"
)

// EventSource is the EventBridge source of user-pool events.
const EventSource = "moat.cognito-idp"

// change is one change to a user: its kind and what its event tells.
type change struct {
	kind changeKind
	// operation is the API operation (or flow) that made it: SignUp,
	// AdminCreateUser, UserMigration, …
	operation string
	clientID  string
	authFlow  string
	attrs     []string // attribute names changed
	group     string
	reason    string // why a sign-in failed
}

// UserEventDetail is a user-pool event's detail. It names what changed,
// never a value that is secret (no password, code or token).
type UserEventDetail struct {
	UserPoolID        string   `json:"userPoolId"`
	Sub               string   `json:"sub"`
	Username          string   `json:"username"`
	UserStatus        string   `json:"userStatus,omitempty"`
	Operation         string   `json:"operation,omitempty"`
	ClientID          string   `json:"clientId,omitempty"`
	AuthFlow          string   `json:"authFlow,omitempty"`
	ChangedAttributes []string `json:"changedAttributes,omitempty"`
	GroupName         string   `json:"groupName,omitempty"`
	Reason            string   `json:"reason,omitempty"`
}

// userWrites is the one way the Service changes users and sessions.
type userWrites struct {
	store  store.Store
	origin events.Origin
	now    func() time.Time
	notes  *typicalTimes // event-only writes (a failed sign-in), for decoys to match
}

// in is w writing inside tx, for changes that are part of a larger
// transaction (its Atomic calls join tx).
func (w *userWrites) in(tx store.Store) *userWrites {
	inTx := *w
	inTx.store = tx
	return &inTx
}

// record writes ch's event about u inside tx.
func (w *userWrites) record(ctx context.Context, tx store.Store, u store.User, ch change) error {
	if ch.kind == bookkeeping {
		return nil
	}
	e, err := w.event(u, ch)
	if err != nil {
		return err
	}
	return tx.AppendEvent(ctx, e)
}

// event is ch's event about u, as the outbox keeps it.
func (w *userWrites) event(u store.User, ch change) (store.OutboxEvent, error) {
	attrs := slices.Clone(ch.attrs)
	slices.Sort(attrs)
	e, err := w.origin.New(string(ch.kind), w.now(), []string{poolARN(w.origin, u.PoolID)}, UserEventDetail{
		UserPoolID: u.PoolID, Sub: u.Sub, Username: u.Username, UserStatus: u.Status, Operation: ch.operation,
		ClientID: ch.clientID, AuthFlow: ch.authFlow, ChangedAttributes: slices.Compact(attrs), GroupName: ch.group, Reason: ch.reason,
	})
	if err != nil {
		return store.OutboxEvent{}, err
	}
	return events.Outbox(u.PoolID+"/"+u.Sub, e)
}

func poolARN(o events.Origin, poolID string) string {
	return "arn:aws:cognito-idp:" + o.Region + ":" + o.Account + ":userpool/" + poolID
}

func (w *userWrites) create(ctx context.Context, u store.User, ch change) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return w.record(ctx, tx, u, ch)
	})
}

// createMany stores users in one transaction, each with ch's event, and
// returns the keys stored: a user whose username is taken is left out.
func (w *userWrites) createMany(ctx context.Context, users []store.User, ch change) ([]string, error) {
	if len(users) == 0 {
		return nil, nil
	}
	var stored []string
	err := w.store.Atomic(ctx, func(tx store.Store) error {
		var err error
		if stored, err = tx.CreateUsers(ctx, users); err != nil {
			return err
		}
		made := map[string]bool{}
		for _, k := range stored {
			made[k] = true
		}
		es := make([]store.OutboxEvent, 0, len(stored))
		for _, u := range users {
			if made[u.Key] {
				delete(made, u.Key)
				e, err := w.event(u, ch)
				if err != nil {
					return err
				}
				es = append(es, e)
			}
		}
		return tx.AppendEvents(ctx, es)
	})
	return stored, err
}

// update changes the user under key as fn says; fn also says which change
// it made (bookkeeping when it only counted something). It returns the user
// as stored.
func (w *userWrites) update(ctx context.Context, poolID, key string, fn func(old store.User) (store.User, change, error)) (store.User, error) {
	var updated store.User
	err := w.store.Atomic(ctx, func(tx store.Store) error {
		var ch change
		err := tx.UpdateUser(ctx, poolID, key, func(old store.User) (store.User, error) {
			var err error
			updated, ch, err = fn(old)
			return updated, err
		})
		if err != nil {
			return err
		}
		return w.record(ctx, tx, updated, ch)
	})
	return updated, err
}

func (w *userWrites) delete(ctx context.Context, u store.User, ch change) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		if err := tx.DeleteUser(ctx, u.PoolID, u.Key); err != nil {
			return err
		}
		return w.record(ctx, tx, u, ch)
	})
}

// setMembership adds u to group or removes it; a membership that is
// already as asked changes nothing and emits nothing.
func (w *userWrites) setMembership(ctx context.Context, u store.User, group string, member bool, ch change) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		groups, err := tx.ListGroupsForUser(ctx, u.PoolID, u.Key)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(groups, func(g store.Group) bool { return g.Name == group }) == member {
			return nil
		}
		if member {
			err = tx.AddUserToGroup(ctx, u.PoolID, u.Key, group)
		} else {
			err = tx.RemoveUserFromGroup(ctx, u.PoolID, u.Key, group)
		}
		if err != nil {
			return err
		}
		return w.record(ctx, tx, u, ch)
	})
}

// deleteGroup deletes a group; each member's removal is a change of theirs.
func (w *userWrites) deleteGroup(ctx context.Context, poolID, group string) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		members, err := tx.ListUsersInGroup(ctx, poolID, group)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.DeleteGroup(ctx, poolID, group); err != nil {
			return err
		}
		for _, u := range members {
			if err := w.record(ctx, tx, u, change{kind: removedFromGroup, operation: "DeleteGroup", group: group}); err != nil {
				return err
			}
		}
		return nil
	})
}

// startSession records a new session of u: a sign-in.
func (w *userWrites) startSession(ctx context.Context, u store.User, rt store.RefreshToken, ch change) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		if err := tx.CreateRefreshToken(ctx, rt); err != nil {
			return err
		}
		return w.record(ctx, tx, u, ch)
	})
}

// endSessions revokes every session of u.
func (w *userWrites) endSessions(ctx context.Context, u store.User, at int64, ch change) error {
	return w.store.Atomic(ctx, func(tx store.Store) error {
		if _, err := tx.RevokeUserRefreshTokens(ctx, u.PoolID, u.Key, at); err != nil {
			return err
		}
		return w.record(ctx, tx, u, ch)
	})
}

// endSession revokes one session (RevokeToken): the user is unchanged.
func (w *userWrites) endSession(ctx context.Context, hash string, at int64) error {
	return w.store.RevokeRefreshToken(ctx, hash, at)
}

// note records a change that writes nothing else (a failed sign-in), and
// remembers how long that took for decoys to match.
func (w *userWrites) note(ctx context.Context, u store.User, ch change) error {
	start := time.Now()
	err := w.store.Atomic(ctx, func(tx store.Store) error { return w.record(ctx, tx, u, ch) })
	w.notes.record(time.Since(start))
	return err
}

// decoyNote stands for note: a transaction that writes nothing, then as
// long as a note typically takes.
func (w *userWrites) decoyNote(ctx context.Context) error {
	start := time.Now()
	err := w.store.Atomic(ctx, func(store.Store) error { return nil })
	waitUntil(ctx, start.Add(w.notes.typical()))
	return err
}

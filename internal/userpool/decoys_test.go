package userpool

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestUnknownUserLookupTakesAFoundOnesTime: on a client that hides user
// existence, resolving a username nobody has lasts as long as resolving a
// real user typically does (a hit reads and decodes rows a miss skips);
// found users' lookups are what sets that time, and a client that does not
// hide existence is not kept waiting.
func TestUnknownUserLookupTakesAFoundOnesTime(t *testing.T) {
	ctx := context.Background()
	l := newLifecycle(t, filepath.Join(t.TempDir(), "moat.db"), "ENABLED")
	l.signUp(t, "pia", "pia@example.com")
	legacy, err := l.s.CreateUserPoolClient(ctx, &CreateUserPoolClientInput{UserPoolId: l.poolID, ClientName: "legacy",
		ClientConfig: ClientConfig{PreventUserExistenceErrors: "LEGACY"}})
	if err != nil {
		t.Fatal(err)
	}

	if _, _, _, err := l.s.publicUser(ctx, l.clientID, "", "pia"); err != nil {
		t.Fatal(err)
	}
	if l.s.lookups.typical() <= 0 {
		t.Fatal("a found user's lookup is not timed")
	}

	// A found lookup far slower than any miss here makes the wait plain.
	const found = 150 * time.Millisecond
	for range runsRemembered {
		l.s.lookups.record(found)
	}
	start := time.Now()
	_, _, _, err = l.s.publicUser(ctx, l.clientID, "", "nobody")
	if took := time.Since(start); err != errUserNotFound || took < found {
		t.Fatalf("an unknown user on a hiding client answered %v after %s; a found one typically takes %s", err, took, found)
	}
	start = time.Now()
	_, _, _, err = l.s.publicUser(ctx, legacy.UserPoolClient.ClientId, "", "nobody")
	if took := time.Since(start); err != errUserNotFound || took >= found {
		t.Fatalf("an unknown user on a LEGACY client answered %v after %s: only hiding clients wait", err, took)
	}
}

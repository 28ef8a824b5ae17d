package admin

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/store/sqlstore"
	"github.com/moat-dev/moat/internal/store/sqlstore/sqlstoretest"
	"github.com/moat-dev/moat/internal/testenv"
)

var (
	keyIDPattern  = regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st := sqlstoretest.Open(t)
	return st
}

func TestGeneratedOnFirstStartOnly(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	first, created, err := LoadCredentials(ctx, st, Credentials{})
	if err != nil || !created {
		t.Fatalf("first start: created=%v err=%v", created, err)
	}
	if !keyIDPattern.MatchString(first.AccessKeyID) || !secretPattern.MatchString(first.SecretAccessKey) {
		t.Errorf("generated pair %q/%d chars is not AWS-shaped", first.AccessKeyID, len(first.SecretAccessKey))
	}
	again, created, err := LoadCredentials(ctx, st, Credentials{})
	if err != nil || created || again != first {
		t.Fatalf("second start: created=%v err=%v same=%v", created, err, again == first)
	}
}

func TestEnvironmentCredentialsAreUsedNotStored(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	env := Credentials{AccessKeyID: "AKIAENVENVENVENVENV1", SecretAccessKey: "from-the-environment"}
	got, created, err := LoadCredentials(ctx, st, env)
	if err != nil || created || got != env {
		t.Fatalf("got %v created=%v err=%v", got.AccessKeyID, created, err)
	}
	if _, err := st.GetSetting(ctx, settingName); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("environment credentials were stored (GetSetting err=%v)", err)
	}
	if _, _, err := LoadCredentials(ctx, st, Credentials{AccessKeyID: env.AccessKeyID}); err == nil {
		t.Error("a key id without a secret was accepted")
	}
}

// Several processes starting at once on one PostgreSQL database must agree on
// one pair, and exactly one of them may show it.
func TestConcurrentFirstStartsAgree(t *testing.T) {
	ctx := context.Background()
	url := testenv.NewPostgresDatabase(t)
	first, err := sqlstore.OpenPostgres(ctx, url) // migrate once before the race
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	const starts = 4
	results := make([]Credentials, starts)
	createdCount := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := sqlstore.OpenPostgres(ctx, url)
			if err != nil {
				t.Error(err)
				return
			}
			defer st.Close()
			creds, created, err := LoadCredentials(ctx, st, Credentials{})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			results[i] = creds
			if created {
				createdCount++
			}
		}()
	}
	wg.Wait()
	if createdCount != 1 {
		t.Errorf("%d starts claim to have created the credentials, want 1", createdCount)
	}
	for _, c := range results[1:] {
		if c != results[0] {
			t.Fatalf("starts disagree: %s vs %s", c.AccessKeyID, results[0].AccessKeyID)
		}
	}
}

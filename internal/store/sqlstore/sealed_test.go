package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/testenv"
)

// Secrets the tests write and then look for in the raw database.
const (
	rawClientSecret  = "client-secret-0123456789abcdef"
	rawPrivateKey    = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
	rawSettingSecret = "setting-secret-fedcba9876543210"
	rawTOTPSecret    = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

type opener func(opts ...Option) (*Store, error)

func sqliteOpener(t *testing.T) (opener, string) {
	path := filepath.Join(t.TempDir(), "data", "moat.db")
	return func(opts ...Option) (*Store, error) { return OpenSQLite(context.Background(), path, opts...) }, path
}

func postgresOpener(t *testing.T) opener {
	url := testenv.NewPostgresDatabase(t)
	return func(opts ...Option) (*Store, error) { return OpenPostgres(context.Background(), url, opts...) }
}

func mustOpen(t *testing.T, open opener, opts ...Option) *Store {
	t.Helper()
	s, err := open(opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// writeSecrets stores one of each kind of secret through s.
func writeSecrets(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, err := range []error{
		s.CreateUserPool(ctx, store.UserPool{ID: "pool1", Name: "p"}),
		s.CreateClient(ctx, store.Client{PoolID: "pool1", ID: "c1", Name: "c", Secret: rawClientSecret}),
		s.CreateClient(ctx, store.Client{PoolID: "pool1", ID: "c2", Name: "public"}),
		s.CreateSigningKey(ctx, store.SigningKey{PoolID: "pool1", KID: "k1", Use: "id", Algorithm: "RS256", PrivatePEM: rawPrivateKey}),
		s.CreateUser(ctx, store.User{PoolID: "pool1", Key: "u1", Username: "u1", Sub: "sub-u1", Status: "CONFIRMED", Enabled: true}),
		s.PutUserSecret(ctx, store.UserSecret{PoolID: "pool1", UserKey: "u1", Name: "totp", Value: rawTOTPSecret}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutSettingIfAbsent(ctx, "server-key", rawSettingSecret); err != nil {
		t.Fatal(err)
	}
}

// readSecrets checks every secret reads back as written.
func readSecrets(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	c, err := s.GetClient(ctx, "pool1", "c1")
	if err != nil || c.Secret != rawClientSecret {
		t.Fatalf("client secret = %q, %v", c.Secret, err)
	}
	if c, err := s.FindClient(ctx, "c2"); err != nil || c.Secret != "" {
		t.Fatalf("public client secret = %q, %v", c.Secret, err)
	}
	keys, err := s.ListSigningKeys(ctx, "pool1")
	if err != nil || len(keys) != 1 || keys[0].PrivatePEM != rawPrivateKey {
		t.Fatalf("signing keys = %v, %v", keys, err)
	}
	if v, err := s.GetSetting(ctx, "server-key"); err != nil || v != rawSettingSecret {
		t.Fatalf("setting = %q, %v", v, err)
	}
	if v, err := s.GetUserSecret(ctx, "pool1", "u1", "totp"); err != nil || v.Value != rawTOTPSecret {
		t.Fatalf("user secret = %q, %v", v.Value, err)
	}
}

// rawSecretColumns reads the secret columns as stored, past the sealer.
func rawSecretColumns(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, col := range sealedColumns {
		rows, err := s.reader().query(context.Background(), `SELECT `+col.column+` FROM `+col.table)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := collect(rows, func(row scanner) (v string, err error) { return v, row.Scan(&v) })
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, vals...)
	}
	return out
}

// requireSealed fails unless every non-empty secret column holds an envelope.
func requireSealed(t *testing.T, s *Store) {
	t.Helper()
	for _, v := range rawSecretColumns(t, s) {
		if v != "" && !sealing.IsSealed(v) {
			t.Errorf("a secret column holds plaintext %q", v)
		}
		for _, secret := range []string{rawClientSecret, "BEGIN PRIVATE KEY", rawSettingSecret, rawTOTPSecret} {
			if strings.Contains(v, secret) {
				t.Errorf("a secret column shows %q", secret)
			}
		}
	}
}

func TestSQLiteFileIsPrivate(t *testing.T) {
	t.Parallel()
	open, path := sqliteOpener(t)
	s := mustOpen(t, open)
	defer s.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode(), want)
		}
	}
}

// TestSQLiteFileShowsNoSecret greps the database's files for the secrets.
func TestSQLiteFileShowsNoSecret(t *testing.T) {
	t.Parallel()
	open, path := sqliteOpener(t)
	master, _ := sealing.GenerateMasterKey()
	s := mustOpen(t, open, WithMasterKey(master))
	writeSecrets(t, s)
	readSecrets(t, s)
	requireSealed(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(path + "*") // moat.db, and -wal / -shm if left
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{rawClientSecret, "BEGIN PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", rawSettingSecret, rawTOTPSecret} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s contains %q", f, secret)
			}
		}
	}
}

func TestSQLiteSealing(t *testing.T) {
	t.Parallel()
	for name, run := range sealingCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			open, _ := sqliteOpener(t)
			run(t, open)
		})
	}
}

func TestPostgresSealing(t *testing.T) {
	t.Parallel()
	for name, run := range sealingCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, postgresOpener(t))
		})
	}
}

var sealingCases = map[string]func(t *testing.T, open opener){
	"SealedAtRest":     testSealedAtRest,
	"MigratePlaintext": testMigratePlaintext,
	"RotateMasterKey":  testRotateMasterKey,
	"WrongMasterKey":   testWrongMasterKey,
	"SwappedCipher":    testSwappedCiphertext,
}

func testSealedAtRest(t *testing.T, open opener) {
	master, _ := sealing.GenerateMasterKey()
	s := mustOpen(t, open, WithMasterKey(master))
	writeSecrets(t, s)
	requireSealed(t, s)
	readSecrets(t, s)
	s.Close()
	s = mustOpen(t, open, WithMasterKey(master))
	defer s.Close()
	readSecrets(t, s)
}

// testMigratePlaintext: rows a moat without sealing wrote are sealed at the
// first start with a master key, and read back the same.
func testMigratePlaintext(t *testing.T, open opener) {
	s := mustOpen(t, open)
	writeSecrets(t, s)
	if raw := rawSecretColumns(t, s); !strings.Contains(strings.Join(raw, "\n"), rawClientSecret) {
		t.Fatalf("the fixture is not plaintext: %q", raw)
	}
	s.Close()
	master, _ := sealing.GenerateMasterKey()
	s = mustOpen(t, open, WithMasterKey(master))
	defer s.Close()
	requireSealed(t, s)
	readSecrets(t, s)
}

func testRotateMasterKey(t *testing.T, open opener) {
	old, _ := sealing.GenerateMasterKey()
	next, _ := sealing.GenerateMasterKey()
	s := mustOpen(t, open, WithMasterKey(old))
	writeSecrets(t, s)
	before := rawSecretColumns(t, s)
	if err := s.RotateMasterKey(context.Background(), next); err != nil {
		t.Fatalf("RotateMasterKey: %v", err)
	}
	readSecrets(t, s) // the running store goes on
	s.Close()
	var wrong *sealing.WrongMasterKeyError
	if _, err := open(WithMasterKey(old)); !errors.As(err, &wrong) {
		t.Fatalf("open with the old key after rotation: %v, want WrongMasterKeyError", err)
	}
	s = mustOpen(t, open, WithMasterKey(next))
	defer s.Close()
	readSecrets(t, s)
	if after := rawSecretColumns(t, s); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Error("rotation rewrote sealed rows; it should only rewrap the data key")
	}
}

func testWrongMasterKey(t *testing.T, open opener) {
	master, _ := sealing.GenerateMasterKey()
	s := mustOpen(t, open, WithMasterKey(master))
	writeSecrets(t, s)
	s.Close()
	other, _ := sealing.GenerateMasterKey()
	_, err := open(WithMasterKey(other))
	var wrong *sealing.WrongMasterKeyError
	if !errors.As(err, &wrong) || wrong.SealedUnder != master.ID() || !strings.Contains(err.Error(), "MOAT_MASTER_KEY") {
		t.Fatalf("open with another key: %v", err)
	}
	if _, err := open(); err == nil || !strings.Contains(err.Error(), "sealed under master key id "+master.ID()) {
		t.Fatalf("open without a key: %v", err)
	}
	s = mustOpen(t, open, WithMasterKey(master)) // nothing was changed by the refused starts
	defer s.Close()
	readSecrets(t, s)
}

// testSwappedCiphertext: a sealed value copied into another row does not open.
func testSwappedCiphertext(t *testing.T, open opener) {
	master, _ := sealing.GenerateMasterKey()
	s := mustOpen(t, open, WithMasterKey(master))
	defer s.Close()
	writeSecrets(t, s)
	ctx := context.Background()
	if _, err := s.writer().exec(ctx, `UPDATE clients SET secret = (SELECT secret FROM clients WHERE id = 'c1') WHERE id = 'c2'`); err != nil {
		t.Fatal(err)
	}
	if c, err := s.GetClient(ctx, "pool1", "c2"); err == nil {
		t.Fatalf("a secret moved from c1 opened in c2: %q", c.Secret)
	}
}

// TestPostgresReplicasShareOneDataKey: replicas starting at once on a fresh
// database with one master key agree on one data key; a replica with
// another key is refused and changes nothing.
func TestPostgresReplicasShareOneDataKey(t *testing.T) {
	t.Parallel()
	open := postgresOpener(t)
	master, _ := sealing.GenerateMasterKey()
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = open(WithMasterKey(master)) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		defer stores[i].Close()
	}
	writeSecrets(t, stores[0])
	for _, s := range stores {
		readSecrets(t, s) // each opens what another sealed
	}
	other, _ := sealing.GenerateMasterKey()
	var wrong *sealing.WrongMasterKeyError
	if _, err := open(WithMasterKey(other)); !errors.As(err, &wrong) {
		t.Fatalf("replica with another key: %v", err)
	}
	readSecrets(t, stores[0])
}

package e2e

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, to read raw rows
)

func TestSecretsSealedAtRest(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testSecretsSealedAtRest)
}

// testSecretsSealedAtRest: after a real moat has made a confidential client
// and signed a user in (so signing keys exist), neither the SQLite files nor
// PostgreSQL's rows show the client secret or private key material; after a
// restart the sealed secret still checks SECRET_HASH.
func testSecretsSealedAtRest(t *testing.T, opts moatOptions) {
	m := startMoat(t, opts)
	c := m.cognito(t)
	_, client, _ := aliceSignedIn(t, c, "sealed")
	m.stop(t)

	// the secret, PEM armour, and the base64 DER of a PKCS#8 RSA key past its length bytes (the
	// algorithm identifier): long enough that sealed base64 cannot show it by chance, as "MIIE" once did
	forbidden := []string{client.Secret, "PRIVATE KEY", "BgkqhkiG9w0BAQEFAAS"}
	if m.options.DatabaseURL == "" {
		files, _ := filepath.Glob(filepath.Join(m.options.DataDir, "moat.db*"))
		if len(files) == 0 {
			t.Fatal("no database files found")
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range forbidden {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("%s contains %q", filepath.Base(f), s)
				}
			}
		}
	} else {
		db, err := sql.Open("pgx", m.options.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n := 0
		for _, q := range []string{`SELECT secret FROM clients`, `SELECT private_pem FROM signing_keys`, `SELECT value FROM settings`} {
			rows, err := db.QueryContext(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				n++
				if v != "" && !strings.HasPrefix(v, "moat:sealed:v1:") {
					t.Errorf("%s: a value is not sealed: %.40q…", q, v)
				}
				for _, s := range forbidden {
					if strings.Contains(v, s) {
						t.Errorf("%s: a value shows %q", q, s)
					}
				}
			}
			rows.Close()
		}
		if n < 4 { // the client, two signing keys, server settings
			t.Errorf("only %d secret values found: the test reads the wrong columns", n)
		}
	}

	m.start(t)
	signIn(t, m.cognito(t), client, "alice", testPassword) // SECRET_HASH checks against the opened secret
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/sealing"
	"github.com/moat-dev/moat/internal/testenv"
)

// masterKeyIn reads the master key moat generated in dataDir.
func masterKeyIn(t *testing.T, dataDir string) sealing.MasterKey {
	t.Helper()
	k, err := readMasterKeyFile(filepath.Join(dataDir, generatedMasterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// runMoat runs a moat command to its end with env (and none of the
// developer's MOAT_* settings), returning its combined output.
func runMoat(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOAT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBinaryGeneratesPrivateMasterKey: a first start makes master.key 0600
// beside a 0600 database in a 0700 directory, and warns about backups.
func TestBinaryGeneratesPrivateMasterKey(t *testing.T) {
	bin := moatBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	p := startMoat(t, bin, "--data-dir", dataDir)
	waitHealthy(t, p.identity)
	p.stop(t)
	if !strings.Contains(p.output(), "generated a master key") || !strings.Contains(p.output(), "apart from database backups") {
		t.Errorf("no warning about the generated master key:\n%s", p.output())
	}
	for path, want := range map[string]os.FileMode{
		dataDir: 0o700 | os.ModeDir, filepath.Join(dataDir, "moat.db"): 0o600, filepath.Join(dataDir, generatedMasterKeyFile): 0o600,
	} {
		info, err := os.Stat(path)
		if err != nil || info.Mode() != want {
			t.Errorf("%s: %v, %v; want mode %v", path, info.Mode(), err, want)
		}
	}
}

func TestBinaryRotateMasterKeySQLite(t *testing.T) {
	dataDir := t.TempDir()
	rotateMasterKey(t, []string{"--data-dir", dataDir}, dataDir)
}

func TestBinaryRotateMasterKeyPostgres(t *testing.T) {
	dataDir := t.TempDir()
	rotateMasterKey(t, []string{"--database-url", testenv.NewPostgresDatabase(t), "--data-dir", dataDir}, dataDir)
}

// rotateMasterKey: after rotate-master the old key no longer starts moat
// (clearly, changing nothing), the new one does, and a wrong key given
// through MOAT_MASTER_KEY is refused the same way.
func rotateMasterKey(t *testing.T, where []string, dataDir string) {
	bin := moatBinary(t)
	p := startMoat(t, bin, where...)
	waitHealthy(t, p.identity)
	p.stop(t)
	old := masterKeyIn(t, dataDir)

	newFile := filepath.Join(t.TempDir(), "new.key")
	out, err := runMoat(t, bin, nil, append([]string{"keys", "rotate-master", "--" + newMasterKeyFlag, newFile}, where...)...)
	if err != nil {
		t.Fatalf("rotate-master: %v\n%s", err, out)
	}
	next, err := readMasterKeyFile(newFile)
	if err != nil || !strings.Contains(out, next.ID()) {
		t.Fatalf("new key file: %v; output %s", err, out)
	}
	if info, err := os.Stat(newFile); err != nil || info.Mode() != 0o600 {
		t.Errorf("new key file mode: %v, %v", info.Mode(), err)
	}

	// The old key (still in master.key) no longer opens the database.
	out, err = runMoat(t, bin, nil, append([]string{"serve", "--identity-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0"}, where...)...)
	if !exitedNonZero(err) || !strings.Contains(out, "does not open this database") || !strings.Contains(out, next.ID()) {
		t.Fatalf("start with the old key: %v\n%s", err, out)
	}
	// A wrong key in MOAT_MASTER_KEY fails as clearly.
	_, text := sealing.GenerateMasterKey()
	out, err = runMoat(t, bin, []string{masterKeyEnv + "=" + text}, append([]string{"serve", "--identity-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0"}, where...)...)
	if !exitedNonZero(err) || !strings.Contains(out, "does not open this database") {
		t.Fatalf("start with a wrong MOAT_MASTER_KEY: %v\n%s", err, out)
	}

	p = startMoat(t, bin, append([]string{"--master-key-file", newFile}, where...)...)
	waitHealthy(t, p.identity)
	p.stop(t)
	if old.ID() == next.ID() {
		t.Fatal("rotation kept the key")
	}
}

func exitedNonZero(err error) bool {
	var exit *exec.ExitError
	return errors.As(err, &exit) && exit.ExitCode() != 0
}

func TestRotateMasterKeyNeedsADatabase(t *testing.T) {
	bin := moatBinary(t)
	dataDir := filepath.Join(t.TempDir(), "none")
	out, err := runMoat(t, bin, nil, "keys", "rotate-master", "--data-dir", dataDir, "--"+newMasterKeyFlag, filepath.Join(t.TempDir(), "new.key"))
	if !exitedNonZero(err) || !strings.Contains(out, "no database") {
		t.Fatalf("rotate-master without a database: %v\n%s", err, out)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("rotate-master created %s", dataDir)
	}
}

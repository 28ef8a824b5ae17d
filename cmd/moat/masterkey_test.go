package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moat-dev/moat/internal/sealing"
)

func TestLoadMasterKeySources(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	key, text := sealing.GenerateMasterKey()
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
	}
	file := filepath.Join(t.TempDir(), "k")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	got, err := loadMasterKey(Config{DataDir: t.TempDir()}, env(map[string]string{masterKeyEnv: text}), logger)
	if err != nil || got.key.ID() != key.ID() || got.generated {
		t.Errorf("from %s: %+v, %v", masterKeyEnv, got, err)
	}
	got, err = loadMasterKey(Config{MasterKeyFile: file}, env(nil), logger)
	if err != nil || got.key.ID() != key.ID() {
		t.Errorf("from the file: %+v, %v", got, err)
	}
	if _, err := loadMasterKey(Config{MasterKeyFile: file}, env(map[string]string{masterKeyEnv: text}), logger); err == nil || !strings.Contains(err.Error(), "one way") {
		t.Errorf("both given: %v", err)
	}
	if _, err := loadMasterKey(Config{}, env(map[string]string{masterKeyEnv: "short"}), logger); err == nil || !strings.Contains(err.Error(), "base64") {
		t.Errorf("a malformed key: %v", err)
	}
	if _, err := loadMasterKey(Config{DatabaseURL: "postgres://x/y"}, env(nil), logger); err == nil || !strings.Contains(err.Error(), masterKeyEnv) {
		t.Errorf("nowhere to generate one: %v", err)
	}

	dir := t.TempDir()
	first, err := loadMasterKey(Config{DataDir: dir}, env(nil), logger)
	if err != nil || !first.generated {
		t.Fatalf("generate: %+v, %v", first, err)
	}
	again, err := loadMasterKey(Config{DataDir: dir}, env(nil), logger)
	if err != nil || again.generated || again.key.ID() != first.key.ID() {
		t.Errorf("the generated key is not reused: %+v, %v", again, err)
	}
}

// TestLostMasterKeyIsNotReplaced: with master.key gone, a start fails
// clearly and leaves no new key behind that would open nothing.
func TestLostMasterKeyIsNotReplaced(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := Config{DataDir: t.TempDir()}
	st, err := openStore(t.Context(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	keyFile := filepath.Join(cfg.DataDir, generatedMasterKeyFile)
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if _, err := openStore(t.Context(), cfg, logger); err == nil || !strings.Contains(err.Error(), "restore the master key file") {
		t.Fatalf("start without the key: %v", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Errorf("a new master key was left at %s: %v", keyFile, err)
	}
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/moat-dev/moat/internal/sealing"
)

// masterKeyEnv holds the master key itself, for deployments that inject
// secrets as environment variables; it is not a flag, so the key never
// shows in a process listing.
const masterKeyEnv = "MOAT_MASTER_KEY"

// generatedMasterKeyFile is where moat keeps a master key it made itself.
const generatedMasterKeyFile = "master.key"

// masterKey is the key that seals the store's secrets, and where it came from.
type masterKey struct {
	key    sealing.MasterKey
	source string // "MOAT_MASTER_KEY" or a file path
	// generated is set when this start made the file: should the database
	// turn out to be sealed under another key, the file is removed again.
	generated bool
}

// loadMasterKey finds the master key: MOAT_MASTER_KEY, else the
// --master-key-file, else <data-dir>/master.key, generated (0600) when
// missing. Giving both MOAT_MASTER_KEY and a file is refused as ambiguous.
func loadMasterKey(cfg Config, lookupEnv func(string) (string, bool), logger *slog.Logger) (masterKey, error) {
	if text, ok := lookupEnv(masterKeyEnv); ok && text != "" {
		if cfg.MasterKeyFile != "" {
			return masterKey{}, fmt.Errorf("both %s and master-key-file are set: give the master key one way", masterKeyEnv)
		}
		k, err := sealing.ParseMasterKey(text)
		if err != nil {
			return masterKey{}, fmt.Errorf("%s: %w", masterKeyEnv, err)
		}
		return masterKey{key: k, source: masterKeyEnv}, nil
	}
	if cfg.MasterKeyFile != "" {
		k, err := readMasterKeyFile(cfg.MasterKeyFile)
		return masterKey{key: k, source: cfg.MasterKeyFile}, err
	}
	if cfg.DataDir == "" {
		return masterKey{}, fmt.Errorf("no master key: set %s or --master-key-file (with no data-dir there is nowhere to keep a generated one)", masterKeyEnv)
	}
	path := filepath.Join(cfg.DataDir, generatedMasterKeyFile)
	k, err := readMasterKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return masterKey{key: k, source: path}, err
	}
	k, generated, err := writeNewMasterKey(path)
	if err != nil {
		return masterKey{}, err
	}
	if !generated {
		return masterKey{key: k, source: path}, nil // another process made it first
	}
	logger.Warn("generated a master key to seal secrets at rest; keep a copy apart from database backups "+
		"(whoever holds both can read every secret; without the key the database cannot be opened), "+
		"or give your own with --master-key-file or "+masterKeyEnv, "file", path, "master_key_id", k.ID())
	return masterKey{key: k, source: path, generated: true}, nil
}

func readMasterKeyFile(path string) (sealing.MasterKey, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return sealing.MasterKey{}, fmt.Errorf("master key file: %w", err)
	}
	k, err := sealing.ParseMasterKey(string(text))
	if err != nil {
		return sealing.MasterKey{}, fmt.Errorf("master key file %s: %w", path, err)
	}
	return k, nil
}

// writeNewMasterKey creates path (0600, its directory 0700) with a fresh
// key. When the file appears meanwhile, the key in it wins (generated false).
func writeNewMasterKey(path string) (sealing.MasterKey, bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return sealing.MasterKey{}, false, fmt.Errorf("master key file: %w", err)
	}
	k, text := sealing.GenerateMasterKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		k, err := readMasterKeyFile(path)
		return k, false, err
	}
	if err != nil {
		return sealing.MasterKey{}, false, fmt.Errorf("master key file: %w", err)
	}
	_, err = f.WriteString(text)
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		_ = os.Remove(path)
		return sealing.MasterKey{}, false, fmt.Errorf("master key file %s: %w", path, err)
	}
	return k, true, nil
}

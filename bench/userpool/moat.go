package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// limits let the measured clients sign in as often as they ask: the bench
// measures what the user pool costs, not its rate limits.
const limits = `log-level: warn
user-pool-limits:
  signInPerIp: {perMinute: 10000000, burst: 10000000}
  signInPerUser: {perMinute: 10000000, burst: 10000000}
  signUpPerIp: {perMinute: 10000000, burst: 10000000}
  codesPerUser: {perMinute: 10000000, burst: 10000000}
`

// backend is where one run keeps moat's state.
type backend struct {
	name    string
	args    []string // serve flags choosing the store
	cleanup func()
}

// newBackend makes an empty store of the kind named: a SQLite file in dir,
// or a fresh database on the PostgreSQL server at pgURL, dropped by cleanup.
func newBackend(ctx context.Context, kind, dir, pgURL string) (*backend, error) {
	switch kind {
	case "sqlite":
		return &backend{name: "SQLite", args: []string{"--data-dir", filepath.Join(dir, "sqlite")}, cleanup: func() {}}, nil
	case "postgres":
		conn, err := pgx.Connect(ctx, pgURL)
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL at %s: %w", pgURL, err)
		}
		db := "moat_bench_" + randomHex(6)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+db); err != nil {
			conn.Close(ctx)
			return nil, err
		}
		conn.Close(ctx)
		cfg, err := pgx.ParseConfig(pgURL)
		if err != nil {
			return nil, err
		}
		url := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, db)
		return &backend{name: "PostgreSQL", args: []string{"--database-url", url, "--data-dir", filepath.Join(dir, "pg")}, cleanup: func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if conn, err := pgx.Connect(ctx, pgURL); err == nil {
				conn.Exec(ctx, "DROP DATABASE "+db+" WITH (FORCE)")
				conn.Close(ctx)
			}
		}}, nil
	}
	return nil, fmt.Errorf("unknown backend %q (sqlite, postgres)", kind)
}

// moat is one running moat process.
type moat struct {
	cmd         *exec.Cmd
	identityURL string
}

// startMoat runs the binary on b's store, with the admin credentials in
// env, and waits until it answers.
func startMoat(ctx context.Context, binary, dir string, b *backend, env []string) (*moat, error) {
	identity, err := freeAddr()
	if err != nil {
		return nil, err
	}
	gateway, err := freeAddr()
	if err != nil {
		return nil, err
	}
	config := filepath.Join(dir, "moat.yaml")
	if err := os.WriteFile(config, []byte(limits), 0o600); err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--identity-addr", identity, "--gateway-addr", gateway, "--config", config}, b.args...)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), env...)
	logFile, err := os.Create(filepath.Join(dir, "moat.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &moat{cmd: cmd, identityURL: "http://" + identity}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", identity); err == nil {
			c.Close()
			return m, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			m.stop()
			return nil, fmt.Errorf("moat did not start (see %s)", logFile.Name())
		}
	}
}

// stop ends the process: politely, then not.
func (m *moat) stop() {
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func (m *moat) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kib << 10, err
		}
	}
	return 0, errors.New("no VmHWM")
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// profile records the proxy's CPU profile for the next opts.duration into
// opts.profileDir/<configuration>.pprof, from its profile listener
// (moat's profile-addr), and reports on the channel when it is written.
// Without -profile, or for a proxy without a profile listener, it records
// nothing. The profiler samples at 100 Hz, a cost within the noise.
func (c benchCase) profile(ctx context.Context, opts options) <-chan error {
	done := make(chan error, 1)
	if opts.profileDir == "" || c.profiles == "" {
		done <- nil
		return done
	}
	go func() { done <- c.writeProfile(ctx, opts) }()
	return done
}

func (c benchCase) writeProfile(ctx context.Context, opts options) error {
	ctx, cancel := context.WithTimeout(ctx, opts.duration+30*time.Second)
	defer cancel()
	url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", c.profiles, int(opts.duration.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s answered %d", url, res.StatusCode)
	}
	if err := os.MkdirAll(opts.profileDir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(opts.profileDir, profileName(c.name)+".pprof")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("profile: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s\n", path)
	return f.Close()
}

// profileName is a configuration's name as a file name: "moat: JWT + CORS"
// is moat-jwt-cors.
func profileName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

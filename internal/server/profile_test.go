package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProfilesOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "example.com:6060"} {
		if _, err := Listen(Config{IdentityAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", ProfileAddr: addr, Logger: slog.New(slog.DiscardHandler)}); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("ProfileAddr %q: %v, want a refusal naming loopback", addr, err)
		}
	}
}

func TestProfilesServedApartFromTheAPIs(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	s, err := Listen(Config{IdentityAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", ProfileAddr: addr, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	}()
	res, body := get(t, "http://"+addr+"/debug/pprof/cmdline")
	if res.StatusCode != http.StatusOK || body == "" {
		t.Errorf("profile listener: %d %q", res.StatusCode, body)
	}
	for _, api := range []string{s.IdentityAddr().String(), s.GatewayAddr().String()} {
		if res, _ := get(t, "http://"+api+"/debug/pprof/cmdline"); res.StatusCode == http.StatusOK {
			t.Errorf("%s serves profiles", api)
		}
	}
}

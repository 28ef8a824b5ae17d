package server

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// profileServer serves Go's runtime profiles (net/http/pprof) on their own
// listener, apart from both APIs, so no route or mount of theirs can reach
// them: CPU, heap, goroutines and the execution trace, for diagnosing a
// running moat.
func profileServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
}

// listenProfiles binds addr, which must be a loopback address: profiles
// show the program's insides (stacks, allocation sites, its command line),
// so they are never served to the network.
func listenProfiles(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("profile listener: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("profile listener %q: only a loopback address (127.0.0.1:6060, [::1]:6060) may serve profiles", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("profile listener: %w", err)
	}
	return l, nil
}

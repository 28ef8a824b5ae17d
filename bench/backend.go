package main

import (
	"net"
	"net/http"
)

// backend is the trivial service both proxies forward to: a small JSON body.
type backend struct {
	addr string
	srv  *http.Server
}

var backendBody = []byte(`{"id":"42","name":"moat","tags":["a","b","c"]}`)

func startBackend() (*backend, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(backendBody)
	})}
	go srv.Serve(l)
	return &backend{addr: l.Addr().String(), srv: srv}, nil
}

func (b *backend) Close() { b.srv.Close() }

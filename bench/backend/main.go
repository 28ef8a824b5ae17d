// Command backend is the bench's HTTP backend: a trivial service answering
// a small JSON body. It runs as a process of its own so that the bench can
// count its CPU beside the proxy's, as it counts a function's workers.
// It listens on 127.0.0.1 on a free port and prints the address.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

const body = `{"id":"42","name":"moat","tags":["a","b","c"]}`

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	answer := []byte(body)
	_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
}

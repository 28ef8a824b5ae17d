package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// nginxConf is one worker, a keepalive upstream, plain proxy_pass, and an
// access-log line per request to a file (the combined format, nginx's
// default), as moat writes one: the baseline moat is held to. Every path is
// under the bench's temporary directory, so nginx needs no system
// directories.
const nginxConf = `worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    upstream backend {
        server %[2]s;
        keepalive 64;
    }
    server {
        listen %[3]s;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`

type nginxServer struct {
	url  string
	proc proc
	cmd  *exec.Cmd
}

func startNginx(ctx context.Context, dir, backendAddr string) (*nginxServer, error) {
	prefix := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, prefix, backendAddr, addr), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "nginx", "-p", prefix, "-e", filepath.Join(prefix, "error.log"), "-c", conf, "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nginx: %w", err)
	}
	n := &nginxServer{url: "http://" + addr, proc: proc{cmd.Process.Pid}, cmd: cmd}
	if err := waitHTTP(ctx, n.url+"/items/42", 200); err != nil {
		n.stop()
		return nil, fmt.Errorf("nginx: %w (see %s/error.log)", err, prefix)
	}
	return n, nil
}

func (n *nginxServer) stop() { stopProcess(n.cmd) }

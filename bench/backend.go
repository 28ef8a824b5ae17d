package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// backend is the trivial service both proxies forward to (bench/backend),
// a process of its own whose CPU the HTTP rows count.
type backend struct {
	addr string
	proc proc
	cmd  *exec.Cmd
}

func startBackend(ctx context.Context, dir string) (*backend, error) {
	binary := filepath.Join(dir, "backend")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", binary, "./bench/backend").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./bench/backend: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(ctx, binary)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start backend: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stopProcess(cmd)
		return nil, fmt.Errorf("backend: no address: %w", err)
	}
	return &backend{addr: strings.TrimSpace(line), proc: proc{cmd.Process.Pid}, cmd: cmd}, nil
}

func (b *backend) stop() { stopProcess(b.cmd) }

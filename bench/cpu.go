package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// proc is a measured process: a proxy, the backend.
type proc struct {
	pid int
}

// cpuMeter reads the CPU time (user + system) some processes have used so far.
type cpuMeter func() (time.Duration, error)

// cpuTime is the CPU time used so far by the process and its live
// children (nginx's workers), from /proc/<pid>/stat.
func (p proc) cpuTime() (time.Duration, error) {
	own, err := p.ownTime()
	if err != nil {
		return 0, err
	}
	children, err := p.childrenTime()
	return own + children, err
}

// ownTime is the CPU time of the process alone (moat without its function workers).
func (p proc) ownTime() (time.Duration, error) {
	ticks, err := statTicks(p.pid)
	return ticksTime(ticks), err
}

// childrenTime is the CPU time of the process's live children (moat's
// function workers).
func (p proc) childrenTime() (time.Duration, error) {
	var ticks int64
	for _, child := range childrenOf(p.pid) {
		t, err := statTicks(child)
		if err == nil {
			ticks += t
		}
	}
	return ticksTime(ticks), nil
}

func ticksTime(ticks int64) time.Duration {
	return time.Duration(ticks) * time.Second / time.Duration(clockTicks)
}

// statTicks reads utime + stime (fields 14 and 15) of /proc/<pid>/stat.
func statTicks(pid int) (int64, error) {
	fields, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	return utime + stime, nil
}

// statFields are the fields after the command name, which may hold spaces
// and parentheses: fields[0] is the state (field 3).
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return nil, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	return fields, nil
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if fields, err := statFields(child); err == nil && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat times.
var clockTicks = func() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if n, perr := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && perr == nil && n > 0 {
		return n
	}
	return 100
}()

func lookPath(name string) (string, error) { return exec.LookPath(name) }

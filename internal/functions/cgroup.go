package functions

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// cgroups makes each worker a memory cgroup of its own, under moat's own
// cgroup, limited to the function's MemorySize as Lambda's sandbox is:
// past it the kernel kills the process, and the invocation ends as
// Lambda's does ("Runtime exited with error: signal: killed"). cgroup v2 is
// used where its memory controller is available, v1's otherwise.
type cgroups struct {
	v2     bool
	parent string // this Runtime's directory, the workers' cgroups beneath it
	seq    atomic.Int64
}

// cgroup is one worker's; a nil *cgroup (memory unenforced) does nothing.
type cgroup struct {
	dir     string
	v2      bool
	dirFile *os.File // v2: the directory clone3 starts the process in (CLONE_INTO_CGROUP)
}

// findCgroups makes this Runtime's parent cgroup beneath moat's own, in
// the v2 hierarchy when it has the memory controller, else in v1's memory
// hierarchy; the error says why neither can be used.
func findCgroups() (*cgroups, error) {
	own, err := ownCgroups()
	if err != nil {
		return nil, err
	}
	mounts, err := cgroupMounts()
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("moat-%d-%d", os.Getpid(), time.Now().UnixNano())
	var why []error
	if m, ok := mounts["cgroup2"]; ok {
		if dir, ok := m.dirOf(own["0:"]); ok {
			c, err := makeV2Parent(dir, name)
			if err == nil {
				return c, nil
			}
			why = append(why, err)
		}
	}
	if m, ok := mounts["memory"]; ok {
		for key, path := range own {
			if key != "0:" && slices.Contains(strings.Split(strings.SplitN(key, ":", 2)[1], ","), "memory") {
				if dir, ok := m.dirOf(path); ok {
					parent := filepath.Join(dir, name)
					if err := os.Mkdir(parent, 0o755); err != nil {
						why = append(why, fmt.Errorf("cgroup v1 memory: %w", err))
						break
					}
					return &cgroups{parent: parent}, nil
				}
			}
		}
	}
	if len(why) == 0 {
		return nil, errors.New("no cgroup memory controller is mounted")
	}
	return nil, errors.Join(why...)
}

// makeV2Parent makes dir/name with the memory controller enabled for the
// workers' cgroups beneath it. v2 lets a cgroup hand controllers to its
// children only while it holds no processes itself, so dir must be one
// moat may delegate from (the root of a container's cgroup namespace, or a
// delegated systemd unit's with moat in a sub-cgroup).
func makeV2Parent(dir, name string) (*cgroups, error) {
	controllers, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil || !slices.Contains(strings.Fields(string(controllers)), "memory") {
		return nil, fmt.Errorf("cgroup v2: the memory controller is not available in %s", dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+memory"), 0); err != nil {
		return nil, fmt.Errorf("cgroup v2: enabling memory for %s's children: %w", dir, err)
	}
	parent := filepath.Join(dir, name)
	if err := os.Mkdir(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	if err := os.WriteFile(filepath.Join(parent, "cgroup.subtree_control"), []byte("+memory"), 0); err != nil {
		_ = os.Remove(parent)
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	return &cgroups{v2: true, parent: parent}, nil
}

// ownCgroups is /proc/self/cgroup: "id:controllers" → path.
func ownCgroups() (map[string]string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	own := map[string]string{}
	for line := range strings.Lines(string(b)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) == 3 {
			own[parts[0]+":"+parts[1]] = parts[2]
		}
	}
	return own, nil
}

// cgroupMount is where a hierarchy is mounted, and which of its cgroups
// the mount's root is.
type cgroupMount struct{ point, root string }

// dirOf is the directory of the cgroup at path (as /proc/self/cgroup names it).
func (m cgroupMount) dirOf(path string) (string, bool) {
	if path == "" {
		return "", false
	}
	rel, ok := strings.CutPrefix(path, m.root)
	if !ok {
		return "", false
	}
	return filepath.Join(m.point, rel), true
}

// cgroupMounts finds, in /proc/self/mountinfo, the writable cgroup2 mount
// ("cgroup2") and the v1 memory hierarchy's ("memory").
func cgroupMounts() (map[string]cgroupMount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mounts := map[string]cgroupMount{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root point options [optional...] - fstype source superoptions
		fields := strings.Fields(sc.Text())
		sep := slices.Index(fields, "-")
		if sep < 6 || sep+3 >= len(fields) || !slices.Contains(strings.Split(fields[5], ","), "rw") {
			continue
		}
		m := cgroupMount{point: fields[4], root: fields[3]}
		switch fstype, super := fields[sep+1], strings.Split(fields[sep+3], ","); {
		case fstype == "cgroup2":
			mounts["cgroup2"] = m
		case fstype == "cgroup" && slices.Contains(super, "memory"):
			mounts["memory"] = m
		}
	}
	return mounts, sc.Err()
}

// create makes a worker's cgroup limited to memoryMB, swap included.
func (c *cgroups) create(memoryMB int64) (*cgroup, error) {
	g := &cgroup{dir: filepath.Join(c.parent, "w"+strconv.FormatInt(c.seq.Add(1), 10)), v2: c.v2}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, err
	}
	limit := strconv.FormatInt(memoryMB<<20, 10)
	var err error
	if c.v2 {
		err = g.write("memory.max", limit)
		if err == nil {
			err = g.writeIfPresent("memory.swap.max", "0")
		}
		if err == nil {
			err = g.write("memory.oom.group", "1") // the kill takes the whole worker, as Lambda's sandbox ends whole
		}
	} else {
		err = g.write("memory.limit_in_bytes", limit)
		if err == nil {
			err = g.writeIfPresent("memory.memsw.limit_in_bytes", limit) // present when swap is accounted
		}
	}
	if err != nil {
		g.remove()
		return nil, fmt.Errorf("memory cgroup %s: %w", g.dir, err)
	}
	return g, nil
}

func (g *cgroup) write(file, value string) error {
	return os.WriteFile(filepath.Join(g.dir, file), []byte(value), 0)
}

func (g *cgroup) writeIfPresent(file, value string) error {
	if err := g.write(file, value); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// peakBytes is the most memory the cgroup has held (v2 memory.peak, v1
// memory.max_usage_in_bytes); false when it has no such file.
func (g *cgroup) peakBytes() (int64, bool) {
	if g == nil {
		return 0, false
	}
	file := "memory.max_usage_in_bytes"
	if g.v2 {
		file = "memory.peak"
	}
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}

// enter follows the worker's start: on v2 the process started inside;
// on v1, which has no CLONE_INTO_CGROUP, it is moved in straight away,
// before an interpreter has loaded anything.
func (g *cgroup) enter(pid int) error {
	switch {
	case g == nil:
		return nil
	case g.v2:
		f := g.dirFile
		g.dirFile = nil
		return f.Close()
	}
	return g.write("cgroup.procs", strconv.Itoa(pid))
}

// remove kills whatever the worker left running in its cgroup and removes
// it; the kernel refuses the removal until the last task has gone.
func (g *cgroup) remove() {
	if g == nil {
		return
	}
	if g.dirFile != nil {
		_ = g.dirFile.Close()
	}
	for range 50 {
		if err := syscall.Rmdir(g.dir); err == nil || errors.Is(err, syscall.ENOENT) {
			return
		}
		if b, err := os.ReadFile(filepath.Join(g.dir, "cgroup.procs")); err == nil {
			for _, s := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(s); err == nil {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// close removes the Runtime's parent cgroup once its workers' are gone.
func (c *cgroups) close() {
	_ = syscall.Rmdir(c.parent)
}

package functions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
)

// initTimeout is how long a runtime may take to reach its first next, as
// Lambda's init phase allows.
const initTimeout = 10 * time.Second

// worker is one process running a function, with its own Runtime API. It
// serves one invocation at a time; the pool decides which.
type worker struct {
	fn      store.Function // the configuration it was started with
	api     *runtimeAPI
	cmd     *exec.Cmd
	group   *cgroup // its memory cgroup; nil when memory is unenforced
	out     *output
	exited  chan struct{} // closed once the process is gone
	exitErr error         // the process's end, set before exited closes
	started time.Time
	initMs  float64   // the init's duration, reported with the first invocation
	retire  time.Time // when its credentials near their end
	idle    time.Time // when it last became idle
}

// outcome is how an invocation ended.
type outcome int

const (
	succeeded outcome = iota
	handlerFailed
	timedOut
	crashed // the process exited, could not start, or failed its init
)

// result is an invocation's end: the payload (the answer, or the error
// JSON Lambda returns), how it ended and its log.
type result struct {
	payload []byte
	outcome outcome
	log     []byte
}

// startWorker starts fn's runtime in taskRoot; it is not yet initialized.
func (r *Runtime) startWorker(ctx context.Context, fn store.Function, taskRoot string) (*worker, error) {
	family := runtimes[fn.Runtime]
	argv, err := family.command(taskRoot, r.clientDir)
	if err != nil {
		return nil, err
	}
	env, retire, err := r.environment(ctx, fn, taskRoot)
	if err != nil {
		return nil, err
	}
	api, err := startRuntimeAPI()
	if err != nil {
		return nil, err
	}
	out, err := newOutput(r.logger, &r.logs, fn.Name)
	if err != nil {
		api.close()
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = taskRoot
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+api.address())
	cmd.Stdout, cmd.Stderr = out.write, out.write
	// Its own process group, so a timeout kills what it started too, and
	// killed with moat should moat die.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	group, err := r.memoryCgroup(fn, cmd)
	if err != nil {
		api.close()
		out.close()
		return nil, err
	}
	w := &worker{fn: fn, api: api, cmd: cmd, group: group, out: out, exited: make(chan struct{}), started: time.Now(), retire: retire}
	if err := cmd.Start(); err != nil {
		api.close()
		out.close()
		group.remove()
		return nil, entrypointError{err}
	}
	if err := group.enter(cmd.Process.Pid); err != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		api.close()
		out.close()
		group.remove()
		return nil, fmt.Errorf("memory cgroup: %w", err)
	}
	go func() {
		w.exitErr = cmd.Wait()
		group.remove()
		out.close()
		api.close()
		close(w.exited)
	}()
	return w, nil
}

// memoryCgroup makes the worker's cgroup, limited to fn's MemorySize, and
// has cmd start inside it on cgroup v2; nil when memory is unenforced.
func (r *Runtime) memoryCgroup(fn store.Function, cmd *exec.Cmd) (*cgroup, error) {
	if r.cgroups == nil {
		return nil, nil
	}
	group, err := r.cgroups.create(fn.MemorySize)
	if err != nil || !group.v2 {
		return group, err
	}
	if group.dirFile, err = os.Open(group.dir); err != nil {
		group.remove()
		return nil, err
	}
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(group.dirFile.Fd())
	return group, nil
}

// entrypointError is a runtime that could not be started at all.
type entrypointError struct{ err error }

func (e entrypointError) Error() string { return e.err.Error() }

// environment is AWS's environment for fn's process, and when the worker
// must retire because its role's credentials end.
func (r *Runtime) environment(ctx context.Context, fn store.Function, taskRoot string) ([]string, time.Time, error) {
	vars := map[string]string{}
	if fn.Environment != "" {
		if err := json.Unmarshal([]byte(fn.Environment), &vars); err != nil {
			return nil, time.Time{}, fmt.Errorf("function %s: stored environment: %w", fn.Name, err)
		}
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=en_US.UTF-8", "TZ=:UTC"}
	family := runtimes[fn.Runtime]
	if family == provided { // before the function's variables, which may set their own
		env = append(env, "GOMAXPROCS="+strconv.Itoa(vcpus(fn.MemorySize)))
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	env = append(env,
		"LAMBDA_TASK_ROOT="+taskRoot, "LAMBDA_RUNTIME_DIR="+r.clientDir, "_HANDLER="+fn.Handler,
		"AWS_REGION="+r.region, "AWS_DEFAULT_REGION="+r.region,
		"AWS_LAMBDA_FUNCTION_NAME="+fn.Name, "AWS_LAMBDA_FUNCTION_VERSION="+latest,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.FormatInt(fn.MemorySize, 10),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+fn.Name, "AWS_LAMBDA_LOG_STREAM_NAME="+logStream(),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand")
	if family.executionEnv {
		env = append(env, "AWS_EXECUTION_ENV=AWS_Lambda_"+fn.Runtime)
	}
	if family == python {
		env = append(env, "PYTHONUNBUFFERED=1") // lines reach the log as printed
	}
	if r.provided != nil { // after the function's variables: moat's win
		for k, v := range r.provided(fn.Name) {
			env = append(env, k+"="+v)
		}
	}
	retire := time.Now().Add(time.Duration(1<<62 - 1))
	if r.credentials != nil {
		issued, err := r.credentials.Issue(ctx, tempcreds.Session{RoleARN: fn.Role, Authenticated: true, Issuer: lambdaPrincipal}, tempcreds.DefaultTTL)
		if err != nil {
			return nil, time.Time{}, err
		}
		env = append(env, "AWS_ACCESS_KEY_ID="+issued.AccessKeyId, "AWS_ACCESS_KEY="+issued.AccessKeyId,
			"AWS_SECRET_ACCESS_KEY="+issued.SecretKey, "AWS_SESSION_TOKEN="+issued.SessionToken)
		retire = issued.Expiration.Add(-credentialMargin)
	}
	return env, retire, nil
}

// mbPerVCPU is the MemorySize Lambda gives one vCPU's worth of CPU time.
const mbPerVCPU = 1769

// vcpus is the CPUs a function's MemorySize buys on Lambda (at least one,
// at most the machine's): a Go runtime schedules on as many, rather than
// on every core of moat's machine, which with many warm workers costs
// each of them an idle scheduler spinning on every invocation.
func vcpus(memoryMB int64) int {
	n := int((memoryMB + mbPerVCPU - 1) / mbPerVCPU)
	return max(1, min(n, runtime.NumCPU()))
}

// credentialMargin is how long before its credentials end a worker retires,
// so no invocation runs with credentials about to lapse.
const credentialMargin = 15 * time.Minute

const lambdaPrincipal = "lambda.amazonaws.com"

// logStream is a name shaped like Lambda's: 2024/01/02/[$LATEST]<32 hex>.
func logStream() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("2006/01/02") + "/[" + latest + "]" + hex.EncodeToString(b)
}

// kill ends the process and everything it started, and waits for it.
func (w *worker) kill() {
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	<-w.exited
}

func (w *worker) alive() bool {
	select {
	case <-w.exited:
		return false
	default:
		return true
	}
}

// exitMessage is Lambda's words for the process's end.
func (w *worker) exitMessage(requestID string) []byte {
	reason := "Runtime exited without providing a reason"
	var exit *exec.ExitError
	if errors.As(w.exitErr, &exit) {
		reason = "Runtime exited with error: " + exit.ProcessState.String()
	}
	return errorJSON("Runtime.ExitError", "RequestId: "+requestID+" Error: "+reason)
}

// init waits for the runtime's first next; a failure comes back as the
// invocation's result.
func (w *worker) init(inv *invocation) *result {
	timer := time.NewTimer(initTimeout)
	defer timer.Stop()
	select {
	case <-w.api.ready:
		w.initMs = float64(time.Since(w.started).Microseconds()) / 1000
		return nil
	case body := <-w.api.initErr:
		w.kill()
		return &result{payload: body, outcome: crashed}
	case <-w.exited:
		return &result{payload: w.exitMessage(inv.id), outcome: crashed}
	case <-timer.C:
		w.kill()
		return &result{payload: timeoutMessage(inv.id, initTimeout), outcome: timedOut}
	}
}

// invoke hands inv to the runtime and waits for its answer, the process's
// end or the deadline, when the process is killed as Lambda does.
func (w *worker) invoke(inv *invocation) result {
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	w.api.hand(inv)
	select {
	case ans := <-inv.done:
		if ans.failed {
			return result{payload: ans.payload, outcome: handlerFailed}
		}
		return result{payload: ans.payload, outcome: succeeded}
	case <-w.exited:
		return result{payload: w.exitMessage(inv.id), outcome: crashed}
	case <-timer.C:
		w.kill()
		return result{payload: timeoutMessage(inv.id, time.Duration(w.fn.Timeout)*time.Second), outcome: timedOut}
	}
}

// finish ends inv's log; when the caller wants it, it is returned, with
// Lambda's REPORT line (the invocation's duration, the worker's init when
// this invocation started it, and its peak memory).
func (w *worker) finish(inv *invocation, durationMs, initMs float64) []byte {
	if !inv.tail {
		return w.out.end(nil)
	}
	return w.out.end(func() string { return report(inv.id, durationMs, w.fn.MemorySize, w.maxMemoryUsedMB(), initMs) })
}

// maxMemoryUsedMB is Lambda's Max Memory Used: the peak of the worker's
// memory cgroup (what MemorySize limits), or without one the process's
// peak resident set; -1 when neither can be read.
func (w *worker) maxMemoryUsedMB() int64 {
	if peak, ok := w.group.peakBytes(); ok {
		return (peak + 1<<20 - 1) >> 20
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(w.cmd.Process.Pid) + "/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return -1
			}
			return (kb + 1<<10 - 1) >> 10
		}
	}
	return -1
}

// timeoutMessage is what Lambda returns for an invocation past its Timeout.
func timeoutMessage(requestID string, timeout time.Duration) []byte {
	return errorJSON("Sandbox.Timedout", fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", requestID, timeout.Seconds()))
}

package functions

import (
	"bytes"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/moat-dev/moat/internal/fanout"
)

// eofWait bounds how long an exited worker's last lines are waited for
// (a process it left behind may hold the pipe open).
const eofWait = time.Second

// tailBytes is how much of an invocation's log LogType Tail returns.
const tailBytes = 4 << 10

// maxLogLine bounds one logged line; longer lines are split.
const maxLogLine = 64 << 10

// drainMark ends a drain: written by moat into the worker's own output
// pipe, it reaches the reader after everything the process wrote before.
var drainMark = []byte("\x00moat-drain\n")

// output captures a worker's stdout and stderr (one pipe, as Lambda keeps
// one log stream) line by line into moat's log, with the function's name
// and the request id of the invocation the line belongs to, and keeps each
// invocation's lines for LogType Tail.
type output struct {
	logger   *slog.Logger
	watchers *fanout.Hub[LogLine]
	function string
	read     *os.File // moat's end
	write    *os.File // the process's end, also kept by moat for drain marks
	drained  chan struct{}
	eof      chan struct{} // closed when the copier has read everything
	// reading is set while the copier holds bytes it took from the pipe
	// and has not yet logged; partial, while it keeps an unfinished line.
	// With both clear and the pipe empty, every line written so far is
	// logged, and end needs no drain.
	reading, partial atomic.Bool

	mu        sync.Mutex
	requestID string
	tail      bytes.Buffer // the current invocation's log
}

func newOutput(logger *slog.Logger, watchers *fanout.Hub[LogLine], function string) (*output, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o := &output{logger: logger, watchers: watchers, function: function, read: r, write: w, drained: make(chan struct{}, 1), eof: make(chan struct{})}
	go o.copy()
	return o, nil
}

// copy reads the pipe until the process and moat have both closed it,
// handing each line to take; a line longer than maxLogLine goes in pieces.
func (o *output) copy() {
	defer close(o.eof)
	defer o.read.Close()
	raw, err := o.read.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, maxLogLine)
	held := 0 // an unfinished line at the start of buf
	for {
		var n int
		var readErr error
		err := raw.Read(func(fd uintptr) bool {
			o.reading.Store(true) // before the bytes leave the pipe
			n, readErr = syscall.Read(int(fd), buf[held:])
			for readErr == syscall.EINTR {
				n, readErr = syscall.Read(int(fd), buf[held:])
			}
			if readErr == syscall.EAGAIN {
				o.reading.Store(false)
				return false // wait until the pipe is readable
			}
			return true
		})
		if err != nil || readErr != nil || n <= 0 {
			if held > 0 {
				o.take(buf[:held])
			}
			o.reading.Store(false)
			return
		}
		lines := buf[:held+n]
		for {
			i := bytes.IndexByte(lines, '\n')
			if i < 0 {
				break
			}
			o.take(lines[:i])
			lines = lines[i+1:]
		}
		if len(lines) == len(buf) { // a line as long as the buffer: log what there is
			o.take(lines)
			lines = nil
		}
		held = copy(buf, lines)
		o.partial.Store(held > 0)
		o.reading.Store(false)
	}
}

func (o *output) take(line []byte) {
	if i := bytes.IndexByte(line, 0); i >= 0 && bytes.Equal(line[i:], drainMark[:len(drainMark)-1]) {
		if i > 0 { // an unfinished line the process wrote before answering
			o.line(line[:i])
		}
		o.drained <- struct{}{}
		return
	}
	o.line(line)
}

func (o *output) line(b []byte) {
	o.mu.Lock()
	id := o.requestID
	o.appendTail(b)
	o.mu.Unlock()
	o.logger.Info(string(b), "function", o.function, "request_id", id, "source", "function")
	if o.watchers.Watched() {
		o.watchers.Publish(o.function, LogLine{Time: time.Now(), RequestID: id, Text: string(b)})
	}
}

// appendTail keeps the line in the invocation's log; the caller holds mu.
func (o *output) appendTail(b []byte) {
	o.tail.Write(b)
	o.tail.WriteByte('\n')
	if over := o.tail.Len() - 2*tailBytes; over > 0 { // keep the buffer bounded, trimmed in batches
		o.tail.Next(over)
	}
}

// begin starts an invocation's log: the lines that follow are its.
func (o *output) begin(requestID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requestID = requestID
	o.tail.Reset()
}

// end waits until every line the process wrote before answering is read
// and ends the invocation's log. With a report it returns that log's last
// 4 KB, between Lambda's START line and its END and REPORT lines; without
// (the caller wants no log) nothing is formatted.
func (o *output) end(report func() string) []byte {
	o.settle()
	o.mu.Lock()
	defer o.mu.Unlock()
	id := o.requestID
	o.requestID = ""
	if report == nil {
		return nil
	}
	lines := o.tail.Bytes()
	var log bytes.Buffer
	log.Grow(min(len(lines), tailBytes) + 256)
	if len(lines) <= tailBytes {
		log.WriteString("START RequestId: " + id + " Version: " + latest + "\n")
	}
	log.Write(lines)
	log.WriteString("END RequestId: " + id + "\n" + report() + "\n")
	tail := log.Bytes()
	if len(tail) > tailBytes {
		tail = tail[len(tail)-tailBytes:]
	}
	return tail
}

// settle returns once every line the process wrote so far is logged.
func (o *output) settle() {
	if !o.caughtUp() {
		if _, err := o.write.Write(drainMark); err == nil {
			<-o.drained
		} else { // closed: the process has exited, and what it wrote is read to the end
			select {
			case <-o.eof:
			case <-time.After(eofWait):
			}
		}
	}
}

// caughtUp reports that every line written so far has been logged: the
// pipe is empty (checked first: a read that emptied it set reading before
// it began, and clears it only once its lines are logged), no read holds
// bytes, and no unfinished line waits.
func (o *output) caughtUp() bool {
	raw, err := o.write.SyscallConn()
	if err != nil {
		return false
	}
	pending := -1
	_ = raw.Control(func(fd uintptr) {
		var n int32
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno == 0 {
			pending = int(n)
		}
	})
	return pending == 0 && !o.reading.Load() && !o.partial.Load()
}

// report is Lambda's REPORT line, its fields in Lambda's order; maxUsedMB
// < 0 leaves Max Memory Used out (unknown), initMs 0 Init Duration (a warm start).
func report(requestID string, durationMs float64, memoryMB, maxUsedMB int64, initMs float64) string {
	billed := int64(durationMs)
	if float64(billed) < durationMs {
		billed++
	}
	s := "REPORT RequestId: " + requestID + "\tDuration: " + strconv.FormatFloat(durationMs, 'f', 2, 64) + " ms\tBilled Duration: " +
		strconv.FormatInt(billed, 10) + " ms\tMemory Size: " + strconv.FormatInt(memoryMB, 10) + " MB\t"
	if maxUsedMB >= 0 {
		s += "Max Memory Used: " + strconv.FormatInt(maxUsedMB, 10) + " MB\t"
	}
	if initMs > 0 {
		s += "Init Duration: " + strconv.FormatFloat(initMs, 'f', 2, 64) + " ms\t"
	}
	return s
}

// close ends the capture once the process has exited: the reader sees EOF
// after what the process (and any child keeping the pipe) wrote.
func (o *output) close() { _ = o.write.Close() }

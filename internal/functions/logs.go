package functions

import (
	"bufio"
	"bytes"
	"log/slog"
	"os"
	"strconv"
	"sync"
)

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
	function string
	read     *os.File // moat's end
	write    *os.File // the process's end, also kept by moat for drain marks
	drained  chan struct{}

	mu        sync.Mutex
	requestID string
	tail      bytes.Buffer // the current invocation's log
}

func newOutput(logger *slog.Logger, function string) (*output, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o := &output{logger: logger, function: function, read: r, write: w, drained: make(chan struct{}, 1)}
	go o.copy()
	return o, nil
}

func (o *output) copy() {
	br := bufio.NewReaderSize(o.read, maxLogLine)
	for {
		chunk, err := br.ReadSlice('\n') // a line too long for the buffer comes in pieces
		if line := bytes.TrimSuffix(chunk, []byte("\n")); len(chunk) > 0 {
			o.take(line)
		}
		if err != nil && err != bufio.ErrBufferFull {
			break
		}
	}
	_ = o.read.Close()
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
}

// appendTail keeps the line in the invocation's log; the caller holds mu.
func (o *output) appendTail(b []byte) {
	o.tail.Write(b)
	o.tail.WriteByte('\n')
	if over := o.tail.Len() - 2*tailBytes; over > 0 { // keep the buffer bounded, trimmed in batches
		o.tail.Next(over)
	}
}

// begin starts an invocation's log with Lambda's START line.
func (o *output) begin(requestID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requestID = requestID
	o.tail.Reset()
	o.appendTail([]byte("START RequestId: " + requestID + " Version: " + latest))
}

// end waits until every line the process wrote before answering is read,
// ends the invocation's log with Lambda's END and
// REPORT lines, and returns its last 4 KB.
func (o *output) end(report string) []byte {
	if _, err := o.write.Write(drainMark); err == nil { // fails once close has run
		<-o.drained
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.appendTail([]byte("END RequestId: " + o.requestID))
	o.appendTail([]byte(report))
	o.requestID = ""
	tail := o.tail.Bytes()
	if len(tail) > tailBytes {
		tail = tail[len(tail)-tailBytes:]
	}
	return bytes.Clone(tail)
}

// report is Lambda's REPORT line.
func report(requestID string, durationMs float64, memoryMB int64, initMs float64) string {
	s := "REPORT RequestId: " + requestID + "\t"
	if initMs > 0 {
		s += "Init Duration: " + strconv.FormatFloat(initMs, 'f', 2, 64) + " ms\t"
	}
	billed := int64(durationMs)
	if float64(billed) < durationMs {
		billed++
	}
	return s + "Duration: " + strconv.FormatFloat(durationMs, 'f', 2, 64) + " ms\tBilled Duration: " +
		strconv.FormatInt(billed, 10) + " ms\tMemory Size: " + strconv.FormatInt(memoryMB, 10) + " MB\t"
}

// close ends the capture once the process has exited: the reader sees EOF
// after what the process (and any child keeping the pipe) wrote.
func (o *output) close() { _ = o.write.Close() }

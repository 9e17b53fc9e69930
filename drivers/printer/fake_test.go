package printer_test

import (
	"bytes"
	"sync"
	"sync/atomic"

	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator/ptydev"
)

// fakePrinter is a scripted printer on the far side of a real pty, for
// these tests only: it answers DLE EOT at once with configurable bytes,
// prints LF-terminated text lines while it has paper, keeps what arrives
// while it is out in its buffer, and answers GS r 1 when it gets to it in
// the stream, as a real printer does. It knows just enough commands to
// step over the driver's text documents.
//
// It prints instantly: whatever came before a DLE EOT is printed (or stuck
// behind a paper out) when it answers, so its replies leave in stream
// order, a marker's before a later status request's. The driver's wait
// for a marker therefore ends on an event (the marker, or a fault in the
// status reply) and never on how fast this machine runs.
type fakePrinter struct {
	device atomic.Pointer[ptydev.Device] // set once the pty exists

	mu       sync.Mutex
	received []byte // every byte, real-time requests included
	in       []byte // not yet scanned for real-time requests
	queue    []byte // in-order data waiting to be processed
	cur      []byte
	lines    []string
	out      bool
	silent   bool
	asb      bool // send an ASB frame before each status reply
	outAfter int  // paper runs out after this many printed lines (0: never)
	status   [4]byte
	// unplugAt unplugs the pty once this many lines are printed (0:
	// never). From that line on the fake prints and answers nothing, so
	// the driver cannot get further whenever the unplug lands.
	unplugAt int
	gone     bool
	// unplugged is closed once the unplug unplugAt started has finished:
	// a replug must not overlap it.
	unplugged chan struct{}
}

var readyStatus = [4]byte{0x12, 0x12, 0x12, 0x12}
var paperOutStatus = [4]byte{0x1A, 0x32, 0x12, 0x7E}

func newFake() *fakePrinter {
	f := &fakePrinter{status: readyStatus}
	dev, err := ptydev.New("printer", "", f.feed)
	Expect(err).NotTo(HaveOccurred())
	f.device.Store(dev)
	return f
}

func (f *fakePrinter) dev() *ptydev.Device { return f.device.Load() }

// open opens the fake's pty with drivers/port and returns a driver on it.
func (f *fakePrinter) open(cfg printer.Config) (*printer.Printer, port.Port) {
	p, err := port.Open(f.dev().Path())
	Expect(err).NotTo(HaveOccurred())
	return printer.New(p, cfg), p
}

func (f *fakePrinter) set(fn func(f *fakePrinter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakePrinter) feed(p []byte) {
	f.mu.Lock()
	if f.gone {
		f.mu.Unlock()
		return
	}
	f.received = append(f.received, p...)
	f.in = append(f.in, p...)
	var reply []byte
	for {
		i := bytes.IndexByte(f.in, 0x10)
		if i < 0 {
			f.queue = append(f.queue, f.in...)
			f.in = f.in[:0]
			break
		}
		if i+2 >= len(f.in) {
			f.queue = append(f.queue, f.in[:i]...)
			f.in = append(f.in[:0], f.in[i:]...)
			break
		}
		f.queue = append(f.queue, f.in[:i]...)
		reply = append(reply, f.process()...)
		if f.in[i+1] == 0x04 && f.in[i+2] >= 1 && f.in[i+2] <= 4 && !f.silent {
			if f.asb && f.in[i+2] == 1 {
				reply = append(reply, 0x10|f.status[0]&0x08, 0, 0, 0)
			}
			reply = append(reply, f.status[f.in[i+2]-1])
		}
		f.in = f.in[i+3:]
	}
	reply = append(reply, f.process()...)
	if f.gone {
		reply = nil
	}
	f.mu.Unlock()
	f.write(reply)
}

func (f *fakePrinter) write(b []byte) {
	if d := f.dev(); d != nil && len(b) > 0 {
		d.Write(b) //nolint:errcheck // an unplugged printer answers nothing
	}
}

// process runs queued commands while there is paper; f.mu is held.
func (f *fakePrinter) process() []byte {
	var reply []byte
	q := f.queue
	for len(q) > 0 && !f.out && !f.gone {
		n := 1
		switch c := q[0]; c {
		case 0x1B, 0x1D, 0x1C:
			n = cmdLen(q)
			if n == 0 || n > len(q) {
				f.queue = q
				return reply
			}
			if c == 0x1D && q[1] == 'r' && !f.silent {
				reply = append(reply, 0x00)
			}
		case 0x0A:
			f.lines = append(f.lines, string(f.cur))
			f.cur = nil
			if f.outAfter > 0 && len(f.lines) == f.outAfter {
				f.out, f.status = true, paperOutStatus
			}
			if f.unplugAt > 0 && len(f.lines) == f.unplugAt {
				f.gone = true
				done := make(chan struct{})
				f.unplugged = done
				// Unplug waits for the reader that is calling feed.
				go func() {
					f.dev().Unplug() //nolint:errcheck
					close(done)
				}()
			}
		case 0x0D:
		default:
			f.cur = append(f.cur, c)
		}
		q = q[n:]
	}
	f.queue = append(f.queue[:0], q...)
	return reply
}

// cmdLen is the length of the command at q[0], 0 when more bytes are
// needed to tell.
func cmdLen(q []byte) int {
	if len(q) < 2 {
		return 0
	}
	switch string(q[:2]) {
	case "\x1b@", "\x1c&", "\x1c.":
		return 2
	case "\x1dV":
		return 4
	case "\x1bp":
		return 5
	case "\x1d(":
		if len(q) < 5 {
			return 0
		}
		return 5 + int(q[3]) + int(q[4])<<8
	case "\x1dk":
		if len(q) < 4 {
			return 0
		}
		return 4 + int(q[3])
	}
	return 3 // ESC x n, GS x n
}

// reload puts paper back: the buffered data prints, and the markers in it
// are answered.
func (f *fakePrinter) reload() {
	f.mu.Lock()
	f.out, f.outAfter, f.status = false, 0, readyStatus
	reply := f.process()
	f.mu.Unlock()
	f.write(reply)
}

func (f *fakePrinter) printed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.lines...)
}

func (f *fakePrinter) bytesReceived() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.received)
}

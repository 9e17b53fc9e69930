package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/posemu/posemu/drivers/port"
)

// Config tunes the driver. The zero value gives the defaults.
type Config struct {
	// Timeout is how long to wait for the replies to a status request
	// (DLE EOT 1–4, answered at once by a printer that is on). Default
	// 500 ms.
	Timeout time.Duration
	// Poll is how long to wait for a chunk's confirmation before asking
	// for the status again, so that a fault in the middle of a job is
	// seen within about Poll. It bounds no answer: a status request still
	// gets Timeout for its replies. Default Timeout.
	Poll time.Duration
	// Checkpoint is how many segments are sent between two confirmations.
	// Default 8.
	Checkpoint int
	// Window caps the bytes sent but not yet confirmed printed. It must
	// not exceed the printer's receive buffer (the profile's
	// printer.receive_buffer), so that whatever is in flight when the
	// paper runs out is kept by the printer and not lost. Default 1024.
	Window int
	// PrintTimeout is how long a confirmation may take while the printer
	// keeps reporting ready (a slow print of a long chunk). The driver
	// gives up only when a status request sent after PrintTimeout is
	// answered ready with the confirmation still missing, so a driver that
	// was itself held up (a loaded machine) does not blame the printer.
	// Default 10 s.
	PrintTimeout time.Duration
	// DuplicateMark is the line a reprint with MarkDuplicate starts with.
	// Default "重打印 DUPLICATED".
	DuplicateMark string
	// Reopen, if set, opens the port again after the printer went away
	// (an unplug): a call that fails with port.ErrDisconnected closes the
	// dead port and calls Reopen once; if that works, the call is made
	// again on the new port, unless part of a slip had already been sent
	// (the *JobError then stands, and Resume or a reprint goes to the new
	// port). If Reopen fails the call returns the disconnect and the next
	// call tries again. Nil keeps the port as it is.
	Reopen port.Opener
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 500 * time.Millisecond
	}
	if c.Poll <= 0 {
		c.Poll = c.Timeout
	}
	if c.Checkpoint <= 0 {
		c.Checkpoint = 8
	}
	if c.Window <= 0 {
		c.Window = 1024
	}
	if c.PrintTimeout <= 0 {
		c.PrintTimeout = 10 * time.Second
	}
	if c.DuplicateMark == "" {
		c.DuplicateMark = "重打印 DUPLICATED"
	}
	return c
}

// Printer is an ESC/POS receipt printer on a port. It is safe for
// concurrent use; jobs and status queries run one at a time.
type Printer struct {
	cfg Config

	mu sync.Mutex
	// p is nil after a disconnect whose reopen failed. It is read with mu
	// held and changed with mu and portMu held, so Close (portMu only)
	// can close it while a job waits on it.
	p      port.Port
	portMu sync.Mutex
	addr   string
	closed bool
	lost   error // the disconnect, while p is nil
	wrote  bool  // this call sent part of a slip
	tried  bool  // this call has called Reopen

	dec   decoder
	rbuf  []byte
	wbuf  []byte
	stale bool   // a request timed out: late replies may still arrive
	owed  int    // GS r markers sent and not yet answered
	marks []byte // GS r replies received and not yet taken
	asb   Condition
	asbOK bool
}

// New returns a driver for the printer on p. It sends nothing until asked.
func New(p port.Port, cfg Config) *Printer {
	return &Printer{p: p, addr: p.Address(), cfg: cfg.withDefaults(), rbuf: make([]byte, 256)}
}

// AutoStatus returns the conditions of the last automatic status back
// frame (GS a) the printer sent, if any arrived. The driver does not
// enable GS a itself but reads such frames wherever they turn up.
func (pr *Printer) AutoStatus() (Condition, bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.asb, pr.asbOK
}

// Status asks the printer for DLE EOT 1, 2, 3 and 4 and maps the replies.
// A printer that does not answer within Config.Timeout gives an error
// matching ErrNoResponse; one that went away, port.ErrDisconnected.
func (pr *Printer) Status(ctx context.Context) (Status, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var s Status
	err := pr.do(ctx, func() (err error) {
		s, err = pr.status(ctx)
		return err
	})
	return s, err
}

var statusRequest = []byte{dle, eot, 1, dle, eot, 2, dle, eot, 3, dle, eot, 4}

// markRequest is GS r 1: unlike DLE EOT it is not real-time, so the
// printer answers it only once it has processed everything before it.
var markRequest = []byte{gs, 'r', 1}

func (pr *Printer) errorf(format string, args ...any) error {
	return fmt.Errorf("printer %s: "+format, append([]any{pr.address()}, args...)...)
}

// watch makes a cancelled ctx cut a blocked read short.
func (pr *Printer) watch(ctx context.Context) func() {
	p := pr.p
	stop := context.AfterFunc(ctx, func() { p.SetReadDeadline(time.Unix(1, 0)) }) //nolint:errcheck
	return func() { stop() }
}

func (pr *Printer) status(ctx context.Context) (Status, error) {
	if pr.stale {
		if err := pr.drain(ctx); err != nil {
			return Status{}, err
		}
	}
	if err := pr.write(statusRequest); err != nil {
		return Status{}, pr.errorf("status request: %w", err)
	}
	deadline := time.Now().Add(pr.cfg.Timeout)
	var s Status
	n := 0
	for n < 4 {
		r, ok := pr.dec.next()
		if !ok {
			if err := pr.fill(ctx, deadline); err != nil {
				if errors.Is(err, errTimeout) {
					pr.stale = true
					return Status{}, pr.errorf("status request: %d of 4 replies within %s: %w", n, pr.cfg.Timeout, ErrNoResponse)
				}
				return Status{}, pr.errorf("status reply: %w", err)
			}
			continue
		}
		if r.kind == replyEOT {
			s.Raw[n] = r.b
			s.Conditions |= EOTCondition(n+1, r.b)
			n++
			continue
		}
		pr.take(r)
	}
	return s, nil
}

// take files a reply that is not a DLE EOT reply.
func (pr *Printer) take(r reply) {
	switch r.kind {
	case replyASB:
		pr.asb, pr.asbOK = ASBCondition(r.asb), true
	case replyGSr:
		if pr.owed > 0 {
			pr.owed--
			pr.marks = append(pr.marks, r.b)
		}
	}
}

// drain reads until the line is quiet, after a timed-out request whose
// late replies would otherwise be taken for the next request's. Marker
// replies among them still count.
func (pr *Printer) drain(ctx context.Context) error {
	quiet := min(pr.cfg.Timeout/4, 50*time.Millisecond)
	for {
		err := pr.fill(ctx, time.Now().Add(quiet))
		for {
			r, ok := pr.dec.next()
			if !ok {
				break
			}
			if r.kind != replyEOT {
				pr.take(r)
			}
		}
		if errors.Is(err, errTimeout) {
			pr.stale = false
			return nil
		}
		if err != nil {
			return pr.errorf("reading late replies: %w", err)
		}
	}
}

var errTimeout = errors.New("timeout")

// fill reads once into the decoder, until deadline at the latest.
func (pr *Printer) fill(ctx context.Context, deadline time.Time) error {
	if err := pr.p.SetReadDeadline(deadline); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := pr.p.Read(pr.rbuf)
	pr.dec.feed(pr.rbuf[:n])
	switch {
	case err == nil:
		return nil
	case port.IsTimeout(err):
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if n > 0 {
			return nil
		}
		return errTimeout
	}
	return wrapGone(err)
}

func (pr *Printer) write(b []byte) error {
	if _, err := pr.p.Write(b); err != nil {
		return wrapGone(err)
	}
	return nil
}

// wrapGone makes a device that went away read as port.ErrDisconnected
// whatever the port implementation.
func wrapGone(err error) error {
	if errors.Is(err, port.ErrDisconnected) {
		return err
	}
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.EIO, syscall.ENXIO, syscall.ENODEV, syscall.EPIPE, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return fmt.Errorf("%w: %w", port.ErrDisconnected, err)
		}
	}
	return err
}

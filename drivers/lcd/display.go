package lcd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/posemu/posemu/drivers/port"
)

// Errors a command can return, for errors.Is.
var (
	// ErrNoResponse: the display did not acknowledge a frame after every
	// retransmission; it is off, dead, or not on this port.
	ErrNoResponse = errors.New("display not answering")
	// ErrRejected: the display read the frame and refused it (unknown
	// command or bad payload). The error is a *NAKError.
	ErrRejected = errors.New("display rejected the command")
	// ErrTooLarge: the data does not fit in one frame and cannot be split.
	ErrTooLarge = errors.New("too large for one frame")
	// ErrInvalid: an argument is out of the protocol's range.
	ErrInvalid = errors.New("invalid argument")
)

// NAKError is a command the display refused.
type NAKError struct {
	Port    string
	Command string
	Seq     byte
	Reason  Reason
}

func (e *NAKError) Error() string {
	return fmt.Sprintf("lcd %s: %s (seq %d): display answered NAK %s", e.Port, e.Command, e.Seq, e.Reason)
}

// Unwrap makes errors.Is(err, ErrRejected) hold.
func (e *NAKError) Unwrap() error { return ErrRejected }

// Config tunes the link. The zero value is the protocol's defaults.
type Config struct {
	// Timeout is how long to wait for the reply to one attempt, on top of
	// the frame's transmission time. Default 200 ms.
	Timeout time.Duration
	// Retries is how many times a frame is retransmitted after a NAK or a
	// timeout before the display counts as not answering. Default 3;
	// negative means none.
	Retries int
	// BusyPause is how long to wait before retransmitting after NAK busy.
	// Default 20 ms.
	BusyPause time.Duration
	// Baud is the line speed, used to add each frame's transmission time
	// to the timeout. 0 adds nothing (a pty has no line speed).
	Baud int
	// MaxPayload caps the payload per frame; default and maximum 1024. Info
	// lowers it to what the display announces.
	MaxPayload int
	// Reopen, if set, opens the port again after the display went away
	// (an unplug): a command that fails with port.ErrDisconnected closes
	// the dead port, calls Reopen once and, if that works, is sent again
	// on the new port. If Reopen fails the command returns the disconnect
	// and the next command tries again. Nil keeps the port as it is.
	Reopen port.Opener
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 200 * time.Millisecond
	}
	switch {
	case c.Retries == 0:
		c.Retries = 3
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.BusyPause <= 0 {
		c.BusyPause = 20 * time.Millisecond
	}
	if c.MaxPayload <= 0 || c.MaxPayload > maxPayload {
		c.MaxPayload = maxPayload
	}
	return c
}

// Stats counts the driver's traffic.
type Stats struct {
	Commands    int // commands completed (a tiled bitmap counts once)
	Frames      int // frames acknowledged
	Retransmits int // frames sent again after a NAK or a timeout
	NAKs        int // NAKs received
	Timeouts    int // attempts that got no reply in time
}

// Display is the operator LCD on a port.
type Display struct {
	cfg Config

	mu sync.Mutex
	// p is nil after a disconnect whose reopen failed. It is read with mu
	// held and changed with mu and portMu held, so Close (portMu only)
	// can close it while a command waits on it.
	p      port.Port
	portMu sync.Mutex
	addr   string
	closed bool
	lost   error // the disconnect, while p is nil
	tried  bool  // this command has called Reopen

	seq     byte
	dec     replyDecoder
	rbuf    []byte
	wbuf    []byte
	stats   Stats
	fg, bg  Color
	maxData int
}

// New returns a driver for the display on p. It sends nothing: call Info
// to check that a display answers (and learn its size).
func New(p port.Port, cfg Config) *Display {
	cfg = cfg.withDefaults()
	return &Display{p: p, addr: p.Address(), cfg: cfg, rbuf: make([]byte, 2048), fg: Black, bg: White, maxData: cfg.MaxPayload}
}

// Stats returns the traffic counters.
func (d *Display) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// SetTextColors sets the colours Text draws with (default black on white).
func (d *Display) SetTextColors(fg, bg Color) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fg, d.bg = fg, bg
}

func (d *Display) errorf(format string, args ...any) error {
	return fmt.Errorf("lcd %s: "+format, append([]any{d.address()}, args...)...)
}

// address is the port's address (the last one's while disconnected).
func (d *Display) address() string {
	d.portMu.Lock()
	defer d.portMu.Unlock()
	return d.addr
}

// Close closes the port, the one Reopen opened if it did. A command in
// progress fails with os.ErrClosed.
func (d *Display) Close() error {
	d.portMu.Lock()
	defer d.portMu.Unlock()
	if d.closed || d.p == nil {
		d.closed = true
		return nil
	}
	d.closed = true
	return d.p.Close()
}

// begin starts a command: it may call Reopen once. d.mu is held.
func (d *Display) begin() { d.tried = false }

// exchange is exchangeOnce on a live port: with Config.Reopen a
// disconnect costs one reopen and one more try on the new port. d.mu is
// held.
func (d *Display) exchange(cmd byte, payload []byte) (reply, error) {
	if d.p == nil {
		if err := d.reopen(); err != nil {
			return reply{}, d.errorf("%s: the display went away (%v) and reopening its port failed: %w: %w",
				cmdName(cmd), d.lost, port.ErrDisconnected, err)
		}
	}
	r, err := d.exchangeOnce(cmd, payload)
	if err == nil || d.cfg.Reopen == nil || d.tried || !errors.Is(err, port.ErrDisconnected) {
		return r, err
	}
	d.drop(err)
	if rerr := d.reopen(); rerr != nil {
		return reply{}, fmt.Errorf("%w (reopening the port: %v)", err, rerr)
	}
	return d.exchangeOnce(cmd, payload)
}

// drop closes a port that went away. d.mu is held.
func (d *Display) drop(cause error) {
	d.portMu.Lock()
	p := d.p
	d.p, d.lost = nil, cause
	d.portMu.Unlock()
	_ = p.Close()
}

// reopen calls Config.Reopen, at most once per command. d.mu is held.
func (d *Display) reopen() error {
	if d.tried {
		return errors.New("already tried for this command")
	}
	d.tried = true
	np, err := d.cfg.Reopen()
	if err != nil {
		return err
	}
	d.portMu.Lock()
	defer d.portMu.Unlock()
	if d.closed {
		_ = np.Close()
		return fmt.Errorf("lcd %s: %w", d.addr, os.ErrClosed)
	}
	d.p, d.addr, d.lost = np, np.Address(), nil
	return nil
}

// exchangeOnce sends one command frame and returns the display's reply to it
// (an ACK, or INFO for the info query), retransmitting as the spec says.
// d.mu is held.
func (d *Display) exchangeOnce(cmd byte, payload []byte) (reply, error) {
	if len(payload) > d.maxData {
		return reply{}, d.errorf("%s: payload of %d bytes exceeds the display's %d: %w", cmdName(cmd), len(payload), d.maxData, ErrTooLarge)
	}
	seq := d.seq
	d.seq++
	d.wbuf = appendFrame(d.wbuf[:0], seq, cmd, payload)
	wait := d.cfg.Timeout
	if d.cfg.Baud > 0 {
		wait += time.Duration(len(d.wbuf)) * 10 * time.Second / time.Duration(d.cfg.Baud)
	}
	want := byte(replyACK)
	if cmd == cmdInfo {
		want = replyInfo
	}
	attempts := 1 + d.cfg.Retries
	last := "no reply"
	for a := 0; a < attempts; a++ {
		if a > 0 {
			d.stats.Retransmits++
		}
		// Whatever is left half-read belongs to an earlier attempt.
		d.dec.reset()
		if _, err := d.p.Write(d.wbuf); err != nil {
			return reply{}, d.ioErr("write", cmd, seq, err)
		}
		r, err := d.await(seq, time.Now().Add(wait))
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			d.stats.Timeouts++
			last = fmt.Sprintf("no reply within %s", wait)
			continue
		case err != nil:
			return reply{}, d.ioErr("read", cmd, seq, err)
		}
		switch r.cmd {
		case want:
			d.stats.Frames++
			return r, nil
		case replyNAK:
			d.stats.NAKs++
			reason := Reason(0)
			if len(r.payload) > 0 {
				reason = Reason(r.payload[0])
			}
			if !reason.transient() {
				return reply{}, &NAKError{Port: d.address(), Command: cmdName(cmd), Seq: seq, Reason: reason}
			}
			last = "NAK " + reason.String()
			if reason == ReasonBusy {
				if err := d.pause(d.cfg.BusyPause); err != nil {
					return reply{}, d.ioErr("read", cmd, seq, err)
				}
			}
		default:
			last = fmt.Sprintf("unexpected reply 0x%02X", r.cmd)
		}
	}
	return reply{}, d.errorf("%s (seq %d): %d attempts, last: %s: %w", cmdName(cmd), seq, attempts, last, ErrNoResponse)
}

// await reads until a reply with seq arrives or the deadline passes;
// replies to other frames (late answers to earlier attempts) are skipped.
func (d *Display) await(seq byte, deadline time.Time) (reply, error) {
	if err := d.p.SetReadDeadline(deadline); err != nil {
		return reply{}, err
	}
	for {
		for {
			r, ok := d.dec.next()
			if !ok {
				break
			}
			if r.seq == seq {
				return r, nil
			}
		}
		n, err := d.p.Read(d.rbuf)
		d.dec.buf = append(d.dec.buf, d.rbuf[:n]...)
		if err != nil {
			if port.IsTimeout(err) {
				return reply{}, os.ErrDeadlineExceeded
			}
			return reply{}, err
		}
	}
}

// pause waits on the port rather than a timer, so the wait stays on the
// same clock as the reply timeouts; what arrives meanwhile is stale.
func (d *Display) pause(t time.Duration) error {
	if err := d.p.SetReadDeadline(time.Now().Add(t)); err != nil {
		return err
	}
	for {
		if _, err := d.p.Read(d.rbuf); err != nil {
			if port.IsTimeout(err) {
				return nil
			}
			return err
		}
	}
}

// ioErr says where an I/O error happened and makes sure a device that went
// away reads as port.ErrDisconnected whatever the port implementation.
func (d *Display) ioErr(op string, cmd, seq byte, err error) error {
	if !errors.Is(err, port.ErrDisconnected) && gone(err) {
		return d.errorf("%s (seq %d): %s: %w: %w", cmdName(cmd), seq, op, port.ErrDisconnected, err)
	}
	return d.errorf("%s (seq %d): %s: %w", cmdName(cmd), seq, op, err)
}

func gone(err error) bool {
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.EIO, syscall.ENXIO, syscall.ENODEV, syscall.EPIPE, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

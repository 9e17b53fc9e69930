package port

import (
	"errors"
	"io"
	"time"
)

// Port is an open transport to one peripheral: a serial line (a physical
// tty or an emulator pty) or a TCP socket. Drivers take a Port and never a
// path, so the same driver runs on the emulator and on a physical unit.
type Port interface {
	io.ReadWriteCloser
	// SetReadDeadline bounds the next reads; the zero time means no
	// deadline. A read that reaches the deadline returns an error for which
	// errors.Is(err, os.ErrDeadlineExceeded) holds (and IsTimeout is true).
	SetReadDeadline(t time.Time) error
	// Address is the address the port was opened from.
	Address() string
}

// ErrDisconnected is wrapped by the error a read or write returns once the
// device has gone away: a pty whose emulated device was unplugged, a USB
// serial adapter pulled out, a TCP peer that closed.
var ErrDisconnected = errors.New("device disconnected")

// Opener opens a port again; drivers that recover from an unplug hold one.
type Opener func() (Port, error)

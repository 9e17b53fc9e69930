package scanner

import (
	"errors"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/posemu/posemu/drivers/port"
)

var (
	// ErrTooLong is wrapped by Read's error for a code longer than
	// MaxLength; the driver skips to the next suffix and the next Read
	// returns the code after it.
	ErrTooLong = errors.New("code too long")
	// ErrIncomplete is wrapped by Read's error when bytes of a code arrived
	// and then stopped for InterCharTimeout without a suffix; they are
	// discarded.
	ErrIncomplete = errors.New("incomplete code")
	// ErrClosed is returned by Read after Close.
	ErrClosed = errors.New("scanner closed")
)

// isDisconnect reports whether a read error means the device went away.
// Ports from drivers/port wrap port.ErrDisconnected; a bare *os.File on a
// pty whose master was closed reports EIO or EOF instead, so those count too.
func isDisconnect(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, port.ErrDisconnected) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ENODEV) ||
		errors.Is(err, os.ErrClosed) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "input/output error") || strings.Contains(msg, "file already closed") ||
		strings.Contains(msg, "Port has been closed")
}

// isTimeout reports whether a read error is only a read deadline passing.
func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

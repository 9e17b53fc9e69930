package port

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// ModemLines is implemented by serial ports. On a line without modem
// control (a pty, which is what the emulator hands out) every call returns
// an error wrapping ErrNoModemLines, which drivers treat as "nothing to do".
type ModemLines interface {
	SetDTR(on bool) error
	SetRTS(on bool) error
	ModemStatus() (ModemStatus, error)
}

// ModemStatus is the state of a serial line's modem input lines.
type ModemStatus struct {
	CTS, DSR, RI, DCD bool
}

type serialPort struct {
	addr string
	path string
	p    serial.Port

	// readMu serialises reads: the library keeps one read timeout per port,
	// so each Read sets it and reads as one step.
	readMu sync.Mutex

	dlMu     sync.Mutex
	deadline time.Time

	closed atomic.Bool
}

func openSerial(addr string, a Address) (Port, error) {
	if a.StopBits == StopBits1Half && runtime.GOOS != "windows" {
		return nil, &OpenError{Address: addr, Op: "configure", Kind: ErrNotSupported,
			Detail: "1.5 stop bits are not supported by this system's serial driver; use stop=1 or stop=2"}
	}
	mode := &serial.Mode{
		BaudRate: a.Baud,
		DataBits: a.DataBits,
		Parity:   serialParity[a.Parity],
		StopBits: serialStopBits[a.StopBits],
		// InitialStatusBits stays nil on purpose: setting DTR/RTS at open
		// fails on a pty ("inappropriate ioctl for device") and the library
		// would then refuse the whole open.
	}
	// The library sets TIOCEXCL after opening, so a second opener (that is
	// not root) gets EBUSY, which serialOpenError reports as ErrBusy.
	p, err := serial.Open(a.Path, mode)
	if err != nil {
		return nil, serialOpenError(addr, a.Path, err)
	}
	return &serialPort{addr: addr, path: a.Path, p: p}, nil
}

var serialParity = map[Parity]serial.Parity{
	ParityNone: serial.NoParity, ParityOdd: serial.OddParity, ParityEven: serial.EvenParity,
	ParityMark: serial.MarkParity, ParitySpace: serial.SpaceParity,
}

var serialStopBits = map[StopBits]serial.StopBits{
	StopBits1: serial.OneStopBit, StopBits1Half: serial.OnePointFiveStopBits, StopBits2: serial.TwoStopBits,
}

func (s *serialPort) Address() string { return s.addr }

// SetReadDeadline stores t for the reads that start after it; a Read
// already blocked keeps the deadline it started with (Close unblocks it).
func (s *serialPort) SetReadDeadline(t time.Time) error {
	if s.closed.Load() {
		return fmt.Errorf("set read deadline %s: %w", s.path, os.ErrClosed)
	}
	s.dlMu.Lock()
	s.deadline = t
	s.dlMu.Unlock()
	return nil
}

func (s *serialPort) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.readMu.Lock()
	defer s.readMu.Unlock()
	for {
		if s.closed.Load() {
			return 0, ioError("read", s.path, nil, true)
		}
		s.dlMu.Lock()
		dl := s.deadline
		s.dlMu.Unlock()
		timeout := serial.NoTimeout
		if !dl.IsZero() {
			timeout = time.Until(dl)
			if timeout <= 0 {
				return 0, &deadlineError{op: "read", path: s.path}
			}
		}
		if err := s.p.SetReadTimeout(timeout); err != nil {
			return 0, ioError("read", s.path, err, s.closed.Load())
		}
		n, err := s.p.Read(p)
		if err != nil {
			return n, ioError("read", s.path, err, s.closed.Load())
		}
		if n > 0 {
			return n, nil
		}
		// (0, nil) is the library's timeout; select may wake a little
		// early, so go round and let the deadline check decide.
	}
}

func (s *serialPort) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		if s.closed.Load() {
			return written, ioError("write", s.path, nil, true)
		}
		n, err := s.p.Write(p[written:])
		written += n
		if err != nil {
			return written, ioError("write", s.path, err, s.closed.Load())
		}
		if n == 0 {
			return written, fmt.Errorf("write %s: %w", s.path, io.ErrShortWrite)
		}
	}
	return written, nil
}

// Close releases the line; a Read blocked in another goroutine returns an
// error wrapping os.ErrClosed (not ErrDisconnected: nothing went away).
func (s *serialPort) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	if err := s.p.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

func (s *serialPort) SetDTR(on bool) error {
	return s.modemErr("set DTR", s.p.SetDTR(on))
}

func (s *serialPort) SetRTS(on bool) error {
	return s.modemErr("set RTS", s.p.SetRTS(on))
}

func (s *serialPort) ModemStatus() (ModemStatus, error) {
	bits, err := s.p.GetModemStatusBits()
	if err != nil {
		return ModemStatus{}, s.modemErr("modem status", err)
	}
	return ModemStatus{CTS: bits.CTS, DSR: bits.DSR, RI: bits.RI, DCD: bits.DCD}, nil
}

func (s *serialPort) modemErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case s.closed.Load():
		return fmt.Errorf("%s %s: %w", op, s.path, os.ErrClosed)
	case errors.Is(err, syscall.ENOTTY), errors.Is(err, syscall.EINVAL):
		return fmt.Errorf("%s %s: %w (%v)", op, s.path, ErrNoModemLines, err)
	case isGone(err):
		return fmt.Errorf("%s %s: %w: %w", op, s.path, ErrDisconnected, err)
	}
	return fmt.Errorf("%s %s: %w", op, s.path, err)
}

// describeFile names what path is when it is not a character device, for
// the "not a serial device" message.
func describeFile(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	switch m := fi.Mode(); {
	case m&fs.ModeCharDevice != 0:
		return ""
	case m.IsDir():
		return "a directory"
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return ""
}

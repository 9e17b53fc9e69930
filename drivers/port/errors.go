package port

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"go.bug.st/serial"
)

// Kinds of open failure; an *OpenError's Kind is one of these, so callers
// can errors.Is on them without parsing messages.
var (
	ErrBadAddress   = errors.New("bad port address")
	ErrNotSupported = errors.New("not supported")
	ErrNoDevice     = errors.New("no such device")
	ErrPermission   = errors.New("permission denied")
	ErrBusy         = errors.New("device busy")
	ErrNotSerial    = errors.New("not a serial device")
	// ErrNoModemLines is wrapped by ModemLines calls on a line that has no
	// modem control lines (a pty); drivers treat it as "nothing to do".
	ErrNoModemLines = errors.New("no modem control lines")
)

// AddressError is what ParseAddress returns: Part names the part of the
// address that is wrong ("scheme", "path", "host", "port", "baud",
// "data", "parity", "stop", "timeout", "query", "address", and for USB
// "vid", "pid", "busid").
type AddressError struct {
	Address string
	Part    string
	Reason  string
	Err     error // nil (reserved for a well-formed address this build cannot open)
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("port address %q: %s", e.Address, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBadAddress) hold, except for a reserved
// scheme, which is a well-formed address this build cannot open yet.
func (e *AddressError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return ErrBadAddress
}

// OpenError is what Open returns. Detail says what went wrong and what to
// do about it; Kind and Err are for errors.Is and errors.As.
type OpenError struct {
	Address string // as given to Open
	Op      string // "parse", "open", "configure" or "dial"
	Kind    error  // ErrBadAddress, ErrNotSupported, ErrNoDevice, ErrPermission, ErrBusy, ErrNotSerial, or nil
	Err     error  // the underlying cause
	Detail  string
}

func (e *OpenError) Error() string {
	detail := e.Detail
	if detail == "" && e.Err != nil {
		detail = e.Err.Error()
	}
	return fmt.Sprintf("open port %q: %s", e.Address, detail)
}

func (e *OpenError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// IsTimeout reports whether err is a read that ran into its deadline (or
// another net.Error-style timeout). A disconnect is never a timeout, even
// when its cause is a TCP ETIMEDOUT: retrying would not help.
func IsTimeout(err error) bool {
	if err == nil || errors.Is(err, ErrDisconnected) {
		return false
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// deadlineError is a read's timeout; it is also a net.Error so that code
// written against net.Conn recognises it.
type deadlineError struct{ op, path string }

func (e *deadlineError) Error() string   { return e.op + " " + e.path + ": i/o timeout" }
func (e *deadlineError) Timeout() bool   { return true }
func (e *deadlineError) Temporary() bool { return true }
func (e *deadlineError) Unwrap() error   { return os.ErrDeadlineExceeded }

// isGone reports whether an I/O error means the device or peer went away,
// as opposed to a problem with this one call.
func isGone(err error) bool {
	var pe *serial.PortError
	if errors.As(err, &pe) && pe.Code() == serial.PortClosed {
		return true
	}
	var pv serial.PortError
	if errors.As(err, &pv) && pv.Code() == serial.PortClosed {
		return true
	}
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.EIO, syscall.ENXIO, syscall.ENODEV,
		syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED, syscall.ENETRESET, syscall.ETIMEDOUT, syscall.EHOSTUNREACH} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// ioError wraps a read or write error, marking it ErrDisconnected when the
// device went away and os.ErrClosed when this side closed the port.
func ioError(op, where string, err error, closedByUs bool) error {
	switch {
	case closedByUs:
		return fmt.Errorf("%s %s: %w", op, where, os.ErrClosed)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return err
	case isGone(err):
		return fmt.Errorf("%s %s: %w: %w", op, where, ErrDisconnected, err)
	}
	return fmt.Errorf("%s %s: %w", op, where, err)
}

// serialOpenError turns what go.bug.st/serial (or a pre-check) reported
// into an *OpenError that says what to do.
func serialOpenError(addr, path string, err error) *OpenError {
	oe := &OpenError{Address: addr, Op: "open", Err: err}
	code, isPortErr := portErrorCode(err)
	switch {
	case isPortErr && code == serial.PortBusy, errors.Is(err, syscall.EBUSY):
		oe.Kind, oe.Detail = ErrBusy, busyDetail(path)
	case isPortErr && code == serial.PermissionDenied, errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		oe.Kind, oe.Detail = ErrPermission, permissionDetail(path)
		if isPortErr {
			// The library drops the errno; put it back so that
			// errors.Is(err, fs.ErrPermission) holds.
			oe.Err = &fs.PathError{Op: "open", Path: path, Err: syscall.EACCES}
		}
	case isPortErr && code == serial.PortNotFound, errors.Is(err, fs.ErrNotExist):
		oe.Kind, oe.Detail = ErrNoDevice, noDeviceDetail(path)
	case errors.Is(err, syscall.ENXIO), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.EIO):
		oe.Kind = ErrNoDevice
		oe.Detail = fmt.Sprintf("no device answers at %s (%v): the device file exists but nothing is behind it; check the address and that the hardware is present", path, err)
	case isPortErr && code == serial.InvalidSerialPort && strings.Contains(err.Error(), "error configuring port"),
		isPortErr && (code == serial.InvalidSpeed || code == serial.InvalidDataBits || code == serial.InvalidParity || code == serial.InvalidStopBits):
		// The library reports a refused SetMode as InvalidSerialPort and
		// PortError has no Unwrap, so its own text is all there is to go on.
		oe.Op, oe.Kind = "configure", ErrNotSupported
		oe.Detail = fmt.Sprintf("%s refused the line settings (%v); choose settings the device supports", path, err)
	case isPortErr && code == serial.InvalidSerialPort, errors.Is(err, syscall.EISDIR):
		oe.Kind = ErrNotSerial
		if isPortErr {
			oe.Op = "configure"
		}
		if what := describeFile(path); what != "" {
			oe.Detail = fmt.Sprintf("%s is %s, not a serial device; check the address", path, what)
		} else {
			oe.Detail = fmt.Sprintf("%s is not a usable serial device (%v); check the address", path, err)
		}
	default:
		oe.Detail = fmt.Sprintf("%s: %v", path, err)
	}
	return oe
}

func portErrorCode(err error) (serial.PortErrorCode, bool) {
	var pe *serial.PortError
	if errors.As(err, &pe) {
		return pe.Code(), true
	}
	var pv serial.PortError
	if errors.As(err, &pv) {
		return pv.Code(), true
	}
	return 0, false
}

func busyDetail(path string) string {
	return fmt.Sprintf("%s is busy: another program holds it open exclusively; find it with: fuser -v %s (a serial terminal, another test run, or ModemManager probing the port) and close it", path, path)
}

func noDeviceDetail(path string) string {
	if target, err := os.Readlink(path); err == nil {
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		return fmt.Sprintf("no such device %s (a link to %s, which does not exist): the device was unplugged or its emulator is not running", path, target)
	}
	return fmt.Sprintf("no such device %s: check that the device is plugged in and the path is right (ls /dev/serial/by-id/ lists attached USB serial adapters)", path)
}

// permissionDetail looks up who may open path, so that the message can
// name the group to join.
func permissionDetail(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Sprintf("permission denied on %s (%v): run as a user who may open it", path, err)
	}
	group := ""
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		gid := strconv.FormatUint(uint64(st.Gid), 10)
		group = gid
		if g, err := user.LookupGroupId(gid); err == nil {
			group = g.Name
		}
	}
	return permissionMessage(path, fi.Mode(), group)
}

// permissionMessage says what to do given the device file's mode and group.
func permissionMessage(path string, mode fs.FileMode, group string) string {
	perm := unixMode(mode)
	const groupRW = 0o060
	switch {
	case group != "" && group != "root" && group != "0" && mode.Perm()&groupRW == groupRW:
		return fmt.Sprintf("permission denied on %s (%s, group %s): add yourself to group %s with: sudo usermod -aG %s $USER, then log out and in again (or run: newgrp %s)",
			path, perm, group, group, group, group)
	case group == "":
		return fmt.Sprintf("permission denied on %s (%s): run as a user who may open it, or give it a group you belong to (a udev rule with GROUP=\"dialout\", MODE=\"0660\")", path, perm)
	default:
		return fmt.Sprintf("permission denied on %s (%s, group %s): its group cannot open it for reading and writing; give it a group you belong to with a udev rule (GROUP=\"dialout\", MODE=\"0660\"), then add yourself with: sudo usermod -aG dialout $USER",
			path, perm, group)
	}
}

// unixMode renders a mode as ls -l does ("crw-rw----"); fs.FileMode's own
// String gives "Dcrw-rw----" for a character device.
func unixMode(mode fs.FileMode) string {
	kind := byte('-')
	switch {
	case mode&fs.ModeCharDevice != 0:
		kind = 'c'
	case mode&fs.ModeDevice != 0:
		kind = 'b'
	case mode.IsDir():
		kind = 'd'
	case mode&fs.ModeSymlink != 0:
		kind = 'l'
	case mode&fs.ModeNamedPipe != 0:
		kind = 'p'
	case mode&fs.ModeSocket != 0:
		kind = 's'
	}
	return string(kind) + mode.Perm().String()[1:]
}

// dialError turns a failed TCP connect into an *OpenError.
func dialError(addr string, a Address, err error) *OpenError {
	oe := &OpenError{Address: addr, Op: "dial", Err: err}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		oe.Kind = ErrNoDevice
		oe.Detail = fmt.Sprintf("connection refused: nothing is listening on %s; check the host, the port, and that the device is on", a.Host)
	case errors.As(err, &dnsErr):
		oe.Kind = ErrBadAddress
		oe.Detail = fmt.Sprintf("cannot resolve host %q (%v); check the host name", dnsErr.Name, dnsErr.Err)
	case IsTimeout(err):
		oe.Kind = ErrNoDevice
		oe.Detail = fmt.Sprintf("no answer from %s within %s; check the network, the address, and that the device is on (a longer wait: ?timeout=15s)", a.Host, a.DialTimeout)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		oe.Kind = ErrNoDevice
		oe.Detail = fmt.Sprintf("cannot reach %s (%v); check the network and the address", a.Host, err)
	default:
		oe.Detail = fmt.Sprintf("connect to %s: %v", a.Host, err)
	}
	return oe
}

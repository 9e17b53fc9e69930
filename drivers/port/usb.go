package port

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posemu/posemu/drivers/usb"
)

// USBPort is the Port of a USB printer (usb: and usbip:// addresses): Write
// is bulk OUT, Read is bulk IN. A driver that wants the printer-class
// requests (GET_DEVICE_ID, GET_PORT_STATUS, SOFT_RESET) takes the device
// and interface from it.
type USBPort interface {
	Port
	USB() (usb.Device, usb.PrinterInterface)
}

// usbChunk bounds one bulk OUT transfer, so that Close interrupts a long
// write between chunks and no URB is larger than a device expects.
const usbChunk = 64 << 10

// usbReadSize is the buffer of one bulk IN transfer: several max-size
// packets, so a device never overflows it (reads smaller than a packet
// are an error on real USB).
const usbReadSize = 4096

type usbPort struct {
	addr string
	dev  usb.Device
	pi   usb.PrinterInterface

	ctx    context.Context // cancelled by Close: transfers in flight end
	cancel context.CancelFunc
	closed atomic.Bool

	mu       sync.Mutex
	deadline time.Time

	rmu     sync.Mutex // one bulk IN at a time; guards buf and pending
	buf     []byte
	pending []byte // what the last transfer brought beyond the caller's buffer
}

// SetUSBOpener replaces what opens usb:VID:PID addresses, for tests (an
// in-memory usb.Fake instead of libusb); nil restores libusb.
func SetUSBOpener(open func(ctx context.Context, m usb.Match) (usb.Device, error)) {
	if open == nil {
		open = usb.Open
	}
	usbOpener.Store(&open)
}

var usbOpener atomic.Pointer[func(ctx context.Context, m usb.Match) (usb.Device, error)]

func openUSB(addr string, a Address) (Port, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.DialTimeout+time.Second)
	defer cancel()
	var dev usb.Device
	var err error
	if a.Scheme == SchemeUSBIP {
		dev, err = usb.OpenUSBIP(ctx, a.Host, a.BusID)
	} else {
		open := usb.Open
		if o := usbOpener.Load(); o != nil {
			open = *o
		}
		dev, err = open(ctx, usb.Match{VendorID: a.VendorID, ProductID: a.ProductID, Serial: a.Serial})
	}
	if err != nil {
		return nil, usbOpenError(addr, a, err)
	}
	pi, err := usb.FindPrinter(dev.Info().Config)
	if err != nil {
		dev.Close()
		return nil, &OpenError{Address: addr, Op: "open", Kind: ErrNotSupported, Err: err,
			Detail: fmt.Sprintf("USB device %s has no printer interface (class 07, or a vendor class with a bulk OUT endpoint); USB ports carry printers only", dev.Info().ID())}
	}
	p := &usbPort{addr: addr, dev: dev, pi: pi, buf: make([]byte, max(usbReadSize, int(pi.In.MaxPacketSize)))}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p, nil
}

func usbOpenError(addr string, a Address, err error) *OpenError {
	oe := &OpenError{Address: addr, Op: "open", Err: err, Detail: err.Error()}
	if a.Scheme == SchemeUSBIP {
		oe.Op = "dial"
	}
	switch {
	case errors.Is(err, usb.ErrNoLibusb):
		oe.Kind = ErrNotSupported
	case errors.Is(err, usb.ErrBusy):
		oe.Kind = ErrBusy
		if a.Scheme == SchemeUSBIP {
			oe.Detail = fmt.Sprintf("%s on %s is busy: another USB/IP client has imported it (a running `usbip attach`, another test); detach it or close that program", a.BusID, a.Host)
		}
	case errors.Is(err, usb.ErrNoDevice), errors.Is(err, usb.ErrDisconnected):
		oe.Kind = ErrNoDevice
	case a.Scheme == SchemeUSBIP:
		oe.Kind = ErrNoDevice
	}
	return oe
}

func (u *usbPort) Address() string { return u.addr }

func (u *usbPort) USB() (usb.Device, usb.PrinterInterface) { return u.dev, u.pi }

func (u *usbPort) SetReadDeadline(t time.Time) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.deadline = t
	return nil
}

// Read returns what the printer sends on its bulk IN endpoint, waiting
// until it sends something or the read deadline passes. A deadline set
// while a Read waits applies from the next Read, as on a serial port.
func (u *usbPort) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	u.rmu.Lock()
	defer u.rmu.Unlock()
	if len(u.pending) > 0 {
		n := copy(p, u.pending)
		u.pending = u.pending[n:]
		return n, nil
	}
	if u.pi.In.Address == 0 {
		return 0, fmt.Errorf("read %s: %w: the printer is unidirectional (no bulk IN endpoint)", u.addr, ErrNotSupported)
	}
	u.mu.Lock()
	dl := u.deadline
	u.mu.Unlock()
	ctx := u.ctx
	if !dl.IsZero() {
		if !time.Now().Before(dl) {
			return 0, &deadlineError{op: "read", path: u.addr}
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(u.ctx, dl)
		defer cancel()
	}
	for {
		n, err := u.dev.BulkIn(ctx, u.pi.In.Address, u.buf)
		if err != nil {
			return 0, u.ioError("read", err)
		}
		if n == 0 {
			continue // a zero-length packet carries nothing to hand out
		}
		c := copy(p, u.buf[:n])
		u.pending = append([]byte(nil), u.buf[c:n]...)
		return c, nil
	}
}

// Write sends p on the bulk OUT endpoint.
func (u *usbPort) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) || len(p) == 0 {
		end := min(len(p), written+usbChunk)
		n, err := u.dev.BulkOut(u.ctx, u.pi.Out.Address, p[written:end])
		written += n
		if err != nil {
			return written, u.ioError("write", err)
		}
		if len(p) == 0 {
			break
		}
	}
	return written, nil
}

func (u *usbPort) ioError(op string, err error) error {
	switch {
	case u.closed.Load():
		return fmt.Errorf("%s %s: %w", op, u.addr, os.ErrClosed)
	case errors.Is(err, context.DeadlineExceeded):
		return &deadlineError{op: op, path: u.addr}
	case errors.Is(err, usb.ErrDisconnected), errors.Is(err, usb.ErrClosed):
		return fmt.Errorf("%s %s: %w: %w", op, u.addr, ErrDisconnected, err)
	}
	return fmt.Errorf("%s %s: %w", op, u.addr, err)
}

// Close releases the device; a Read or Write in progress fails with an
// error wrapping os.ErrClosed.
func (u *usbPort) Close() error {
	if !u.closed.CompareAndSwap(false, true) {
		return nil
	}
	u.cancel()
	return u.dev.Close()
}

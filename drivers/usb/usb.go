package usb

import (
	"context"
	"errors"
	"fmt"
)

// Device is one opened USB device. Every transfer takes a context: its
// deadline is the transfer's timeout, and cancelling it cancels the
// transfer (on USB/IP with an UNLINK, on libusb with
// libusb_cancel_transfer), after which the device stays usable.
type Device interface {
	// Control runs a control transfer on endpoint 0. For an IN request
	// (rType&0x80 set) data is the buffer to fill, its length wLength;
	// for an OUT request data is sent. It returns the bytes transferred.
	Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error)
	// BulkOut writes data to OUT endpoint ep (0x01) and returns how much
	// the device took.
	BulkOut(ctx context.Context, ep uint8, data []byte) (int, error)
	// BulkIn reads from IN endpoint ep (0x82) into buf. It waits until
	// the device sends something (a short packet ends the transfer) or
	// ctx ends. buf should hold at least one max-size packet.
	BulkIn(ctx context.Context, ep uint8, buf []byte) (int, error)
	// Info describes the device and its active configuration.
	Info() Info
	// Close releases the device; transfers in progress fail with
	// ErrClosed.
	Close() error
}

// Info is what the descriptors say about a device.
type Info struct {
	// Address is where the device was opened ("usbip://127.0.0.1:3240/1-1",
	// "usb:04b8:0202 (bus 1 device 5)").
	Address      string
	VendorID     uint16
	ProductID    uint16
	Class        uint8
	SubClass     uint8
	Protocol     uint8
	Manufacturer string
	Product      string
	Serial       string
	Config       Config
}

// ID is VID:PID as lsusb writes it.
func (i Info) ID() string { return fmt.Sprintf("%04x:%04x", i.VendorID, i.ProductID) }

// Config is one configuration.
type Config struct {
	Value      uint8
	Interfaces []Interface // every alternate setting, in descriptor order
}

// Interface is one alternate setting of one interface.
type Interface struct {
	Number    uint8
	Alt       uint8
	Class     uint8
	SubClass  uint8
	Protocol  uint8
	Endpoints []Endpoint
}

// Endpoint is one endpoint descriptor.
type Endpoint struct {
	Address       uint8 // bit 7 set for IN
	Type          TransferType
	MaxPacketSize uint16
}

// In reports whether the endpoint sends to the host.
func (e Endpoint) In() bool { return e.Address&0x80 != 0 }

// TransferType is an endpoint's transfer type.
type TransferType uint8

const (
	Control     TransferType = 0
	Isochronous TransferType = 1
	Bulk        TransferType = 2
	Interrupt   TransferType = 3
)

// Errors that transfers and opens wrap; match them with errors.Is.
var (
	// ErrNoDevice: nothing matches the address (no such VID/PID, no such
	// bus id on the USB/IP server).
	ErrNoDevice = errors.New("usb: no such device")
	// ErrBusy: another program (or USB/IP client) holds the device.
	ErrBusy = errors.New("usb: device busy")
	// ErrDisconnected: the device went away (unplugged, its USB/IP server
	// or connection gone).
	ErrDisconnected = errors.New("usb: device disconnected")
	// ErrStall: the device stalled the endpoint (refused the request).
	ErrStall = errors.New("usb: endpoint stalled")
	// ErrClosed: the Device was closed here.
	ErrClosed = errors.New("usb: device closed")
	// ErrProtocol: the other side broke the USB/IP protocol.
	ErrProtocol = errors.New("usb: protocol error")
	// ErrNoLibusb: this binary was built without the libusb backend.
	ErrNoLibusb = errors.New("usb: built without libusb")
)

// Match selects a device for Open: VID and PID, and optionally the serial
// number string.
type Match struct {
	VendorID  uint16
	ProductID uint16
	Serial    string // "" matches any
}

func (m Match) String() string {
	s := fmt.Sprintf("%04x:%04x", m.VendorID, m.ProductID)
	if m.Serial != "" {
		s += " serial " + m.Serial
	}
	return s
}

// TransferError is a transfer that failed: where and why. Err wraps one
// of the errors above, or context.DeadlineExceeded / context.Canceled.
type TransferError struct {
	Op      string // "control", "bulk out", "bulk in"
	Address string // the device's Info().Address
	EP      uint8
	Err     error
}

func (e *TransferError) Error() string {
	if e.Op == "control" {
		return fmt.Sprintf("usb %s: control transfer: %v", e.Address, e.Err)
	}
	return fmt.Sprintf("usb %s: %s endpoint %#02x: %v", e.Address, e.Op, e.EP, e.Err)
}

func (e *TransferError) Unwrap() error { return e.Err }

// Timeout reports a transfer that ran into its context's deadline, so
// that code written against net.Error recognises it.
func (e *TransferError) Timeout() bool { return errors.Is(e.Err, context.DeadlineExceeded) }

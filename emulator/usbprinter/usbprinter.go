package usbprinter

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/usbip"
	"github.com/posemu/posemu/profile"
)

// Device is the name the USB printer publishes events under, and its name
// in the emulator's device map.
const Device = "usb-printer"

// Endpoint addresses, as on Epson TM printers.
const (
	EndpointOut = 0x01
	EndpointIn  = 0x82
)

// Printer class requests (USB Device Class Definition for Printing
// Devices 1.1, section 4.2).
const (
	reqGetDeviceID   = 0x00
	reqGetPortStatus = 0x01
	reqSoftReset     = 0x02
)

// GET_PORT_STATUS bits.
const (
	StatusNoError    = 0x08
	StatusSelected   = 0x10
	StatusPaperEmpty = 0x20
)

// MaxQueued bounds the bytes waiting for a bulk IN read: a host that never
// reads must not make the printer hoard its status replies.
const MaxQueued = 64 << 10

// ErrNoHost is what Write returns while no client has the printer
// imported: there is nobody to read the bytes, so they are dropped, as a
// printer's replies are when its cable is out.
var ErrNoHost = errors.New("usb printer: no host has it imported")

// ErrQueueFull is what Write returns when the host has left MaxQueued bytes
// unread.
var ErrQueueFull = errors.New("usb printer: bulk IN queue full; the host is not reading")

// Condition is what GET_PORT_STATUS reports.
type Condition struct {
	PaperEmpty bool
	Selected   bool // online
	Error      bool // any fault (cover open, cutter, paper out…)
}

// Byte is the GET_PORT_STATUS byte for c.
func (c Condition) Byte() byte {
	var b byte
	if c.PaperEmpty {
		b |= StatusPaperEmpty
	}
	if c.Selected {
		b |= StatusSelected
	}
	if !c.Error {
		b |= StatusNoError
	}
	return b
}

// Config connects the USB door to the printer behind it.
type Config struct {
	USB profile.PrinterUSB
	// Feed receives the bytes of every bulk OUT transfer, in order.
	Feed func([]byte)
	// Condition reports the printer's state for GET_PORT_STATUS; nil
	// reports a ready printer.
	Condition func() Condition
	// SoftReset is called on SOFT_RESET, after the IN queue is flushed;
	// nil does nothing more.
	SoftReset func()
	// Bus receives imported, released and soft_reset events; nil for
	// none.
	Bus *events.Bus
}

// Printer is a USB printer-class device (interface class 07, subclass 01,
// protocol 02, bidirectional) for the USB/IP server. It is also the
// io.Writer through which the printer model answers the host: what it
// writes is read by the host's bulk IN transfers.
type Printer struct {
	cfg Config

	mu    sync.Mutex
	queue []byte
	ready chan struct{} // closed when queue becomes non-empty
	// sessions counts imports not yet released: after an unplug and a
	// quick replug, the old session's release may come after the new
	// import.
	sessions int
}

// New returns the USB printer described by cfg.USB.
func New(cfg Config) *Printer {
	return &Printer{cfg: cfg, ready: make(chan struct{})}
}

// Descriptor is the device, configuration, interface and endpoint
// descriptors of a full-speed printer.
func (p *Printer) Descriptor() usbip.Descriptor {
	u := p.cfg.USB
	return usbip.Descriptor{
		VendorID:      u.VID,
		ProductID:     u.PID,
		DeviceVersion: 0x0100,
		Manufacturer:  u.Manufacturer,
		Product:       u.Product,
		Serial:        u.Serial,
		SelfPowered:   true,
		MaxPowerMA:    2,
		Interfaces: []usbip.Interface{{
			Number: 0, Class: 7, SubClass: 1, Protocol: 2,
			Endpoints: []usbip.Endpoint{
				{Address: EndpointOut, Type: usbip.TransferBulk, MaxPacketSize: 64, Out: p.bulkOut},
				{Address: EndpointIn, Type: usbip.TransferBulk, MaxPacketSize: 64, In: p.bulkIn},
			},
		}},
	}
}

// Control answers the printer class requests.
func (p *Printer) Control(_ context.Context, s usbip.Setup, _ []byte) ([]byte, error) {
	if s.Kind() != usbip.KindClass {
		return nil, usbip.ErrStall
	}
	switch {
	case s.RequestType == 0xa1 && s.Request == reqGetDeviceID:
		// wIndex carries the interface in its high byte and the
		// alternate setting in its low one; only interface 0 exists.
		if s.Index>>8 != 0 {
			return nil, usbip.ErrStall
		}
		id := p.cfg.USB.DeviceID
		b := binary.BigEndian.AppendUint16(nil, uint16(len(id)+2))
		return append(b, id...), nil
	case s.RequestType == 0xa1 && s.Request == reqGetPortStatus:
		if s.Index&0xff != 0 {
			return nil, usbip.ErrStall
		}
		c := Condition{Selected: true}
		if p.cfg.Condition != nil {
			c = p.cfg.Condition()
		}
		return []byte{c.Byte()}, nil
	case (s.RequestType == 0x21 || s.RequestType == 0x23) && s.Request == reqSoftReset:
		// Linux usblp sends it to "other" (0x23), the class spec to the
		// interface (0x21); both mean the same.
		p.flush()
		if p.cfg.SoftReset != nil {
			p.cfg.SoftReset()
		}
		p.publish("soft_reset")
		return nil, nil
	}
	return nil, usbip.ErrStall
}

func (p *Printer) bulkOut(_ context.Context, data []byte) (int, error) {
	if p.cfg.Feed != nil {
		p.cfg.Feed(data)
	}
	return len(data), nil
}

// bulkIn waits for bytes from the printer; the URB stays pending until
// then, or until the host unlinks it.
func (p *Printer) bulkIn(ctx context.Context, max int) ([]byte, error) {
	for {
		p.mu.Lock()
		if len(p.queue) > 0 {
			n := min(max, len(p.queue))
			out := append([]byte(nil), p.queue[:n]...)
			p.queue = p.queue[n:]
			if len(p.queue) == 0 {
				p.queue = nil
				p.ready = make(chan struct{})
			}
			p.mu.Unlock()
			return out, nil
		}
		ready := p.ready
		p.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Write queues bytes for the host's bulk IN reads.
func (p *Printer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sessions == 0 {
		return 0, ErrNoHost
	}
	if len(p.queue)+len(b) > MaxQueued {
		return 0, ErrQueueFull
	}
	if len(b) == 0 {
		return 0, nil
	}
	if len(p.queue) == 0 {
		close(p.ready)
	}
	p.queue = append(p.queue, b...)
	return len(b), nil
}

// Queued is how many bytes wait for the host to read them.
func (p *Printer) Queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue)
}

// Attached reports whether a client holds the printer.
func (p *Printer) Attached() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sessions > 0
}

func (p *Printer) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
}

func (p *Printer) flushLocked() {
	if len(p.queue) > 0 {
		p.queue = nil
		p.ready = make(chan struct{})
	}
}

// Imported is called by the server when a client takes the printer: the
// enumeration that follows starts it afresh, with nothing queued.
func (p *Printer) Imported() {
	p.mu.Lock()
	p.flushLocked()
	p.sessions++
	p.mu.Unlock()
	p.publish("imported")
}

// Released is called when the client lets go or the printer is unplugged.
func (p *Printer) Released() {
	p.mu.Lock()
	if p.sessions > 0 {
		p.sessions--
	}
	if p.sessions == 0 {
		p.flushLocked()
	}
	p.mu.Unlock()
	p.publish("released")
}

func (p *Printer) publish(kind string) {
	if p.cfg.Bus != nil {
		p.cfg.Bus.Publish(Device, kind, map[string]any{"usb": p.cfg.USB.String()})
	}
}

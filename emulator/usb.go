package emulator

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/emulator/usbip"
	"github.com/posemu/posemu/emulator/usbprinter"
)

// USBPrinter is the name of the printer's USB door: its key in the device
// map and in the control API (POST /api/v1/devices/usb-printer/unplug).
const USBPrinter = usbprinter.Device

// TransportUSBIP is the transport of a device exported over USB/IP.
const TransportUSBIP = "usbip"

// USBPrinterBusID is the bus id the USB printer is exported under.
const USBPrinterBusID = "1-1"

// Printer doors: the same printer model is reached through its serial
// port and, with USB/IP on, through its USB printer interface.
const (
	doorPTY int32 = iota
	doorUSB
)

// printerDoors is the printer model's way back to the host when it has
// two doors. A reply goes out through the door whose data produced it
// (the model answers inside Feed, and Feed is serialised here); what the
// printer says unasked — automatic status back when a fault changes —
// goes to the door that last sent it data, the host that is using it.
type printerDoors struct {
	model *printer.Model
	pty   io.Writer
	usb   io.Writer // nil without USB/IP

	feedMu sync.Mutex
	cur    atomic.Int32
}

func (d *printerDoors) feed(door int32, p []byte) {
	d.feedMu.Lock()
	defer d.feedMu.Unlock()
	d.cur.Store(door)
	d.model.Feed(p)
}

func (d *printerDoors) feedPTY(p []byte) { d.feed(doorPTY, p) }
func (d *printerDoors) feedUSB(p []byte) { d.feed(doorUSB, p) }

func (d *printerDoors) Write(p []byte) (int, error) {
	if d.cur.Load() == doorUSB && d.usb != nil {
		return d.usb.Write(p)
	}
	return d.pty.Write(p)
}

// usbCondition is what GET_PORT_STATUS reports for the printer's state.
func usbCondition(m *printer.Model) usbprinter.Condition {
	s := m.Status()
	return usbprinter.Condition{PaperEmpty: s.Paper == printer.PaperOut, Selected: s.Online, Error: !s.Online}
}

// usbWire is the USB printer's cable: plugged means exported by the
// USB/IP server.
type usbWire struct {
	srv   *usbip.Server
	dev   *usbprinter.Printer
	url   string
	mu    sync.Mutex
	state bool
}

func (w *usbWire) Plugged() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

func (w *usbWire) Path() string { return w.url }
func (w *usbWire) Link() string { return w.url }

// Unplug removes the device from the server: its pending transfers fail
// with ESHUTDOWN and the importing client's connection closes, which is
// how a USB/IP host (vhci_hcd, or drivers/usb) sees a device vanish.
func (w *usbWire) Unplug() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.srv.Remove(USBPrinterBusID)
	w.state = false
	return nil
}

func (w *usbWire) Replug() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.srv.Add(USBPrinterBusID, w.dev); err != nil {
		return fmt.Errorf("%s: %w", USBPrinter, err)
	}
	w.state = true
	return nil
}

func (w *usbWire) Close() error { return nil }

// startUSBIP serves the USB printer on addr (loopback only). The caller
// holds nothing; it runs during New.
func (e *Emulator) startUSBIP(addr string, doors *printerDoors, log *slog.Logger) error {
	l, err := usbip.Listen(addr)
	if err != nil {
		return fmt.Errorf("USB/IP: %w", err)
	}
	e.usbipAddr = l.Addr().String()
	e.usbip = usbip.NewServer(usbip.Options{Log: log})
	e.usbPrinter = usbprinter.New(usbprinter.Config{
		USB:       e.profile.Printer.USB,
		Feed:      doors.feedUSB,
		Condition: func() usbprinter.Condition { return usbCondition(e.printer) },
		Bus:       e.bus,
	})
	doors.usb = e.usbPrinter
	w := &usbWire{srv: e.usbip, dev: e.usbPrinter, url: "usbip://" + e.usbipAddr + "/" + USBPrinterBusID}
	if err := w.Replug(); err != nil {
		l.Close()
		return err
	}
	e.devices = append(e.devices, &device{name: USBPrinter, transport: TransportUSBIP, wire: w})
	go e.usbip.Serve(l) //nolint:errcheck // ends with Close
	return nil
}

// USBIPAddr is where the USB/IP server listens ("" when it is off).
func (e *Emulator) USBIPAddr() string { return e.usbipAddr }

// USBIP is the USB/IP server (nil when it is off).
func (e *Emulator) USBIP() *usbip.Server { return e.usbip }

// USBPrinterDevice is the printer's USB door (nil without USB/IP).
func (e *Emulator) USBPrinterDevice() *usbprinter.Printer { return e.usbPrinter }

// USBIPMap is the "usbip" entry of the device map.
type USBIPMap struct {
	Addr    string           `json:"addr"`
	Devices []USBIPMapDevice `json:"devices"`
}

// USBIPMapDevice is one exported device: what `usbip list -r` shows and
// what `usbip attach -b BUSID` or a usbip:// address takes.
type USBIPMapDevice struct {
	BusID   string `json:"busid"`
	VID     string `json:"vid"` // hex, as lsusb writes it: "04b8"
	PID     string `json:"pid"`
	Class   string `json:"class"`
	Address string `json:"address"` // usbip://ADDR/BUSID, for drivers/port
	Plugged bool   `json:"plugged"`
}

func (e *Emulator) usbipMap() *USBIPMap {
	if e.usbip == nil {
		return nil
	}
	u := e.profile.Printer.USB
	plugged, _ := e.Plugged(USBPrinter)
	return &USBIPMap{Addr: e.usbipAddr, Devices: []USBIPMapDevice{{
		BusID: USBPrinterBusID, VID: fmt.Sprintf("%04x", u.VID), PID: fmt.Sprintf("%04x", u.PID), Class: "printer",
		Address: "usbip://" + e.usbipAddr + "/" + USBPrinterBusID, Plugged: plugged,
	}}}
}

// closeUSBIP stops the server; its clients see their devices vanish.
func (e *Emulator) closeUSBIP() error {
	if e.usbip == nil {
		return nil
	}
	if err := e.usbip.Close(); err != nil {
		return fmt.Errorf("USB/IP: %w", err)
	}
	return nil
}

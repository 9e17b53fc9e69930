package emulator

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/emulator/lcd"
	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/emulator/scanner"
	"github.com/posemu/posemu/emulator/usbip"
	"github.com/posemu/posemu/emulator/usbprinter"
	"github.com/posemu/posemu/profile"
)

// Device names: each is the name of the device's link in the device
// directory, its key in devices.json and the Device of its events.
const (
	LCD         = "lcd"
	CustDisplay = "custdisplay"
	Keypad      = "keypad"
	Scanner     = "scanner"
	Printer     = "printer"
)

// DeviceNames lists every device in the order posemu reports them.
func DeviceNames() []string { return []string{LCD, CustDisplay, Keypad, Scanner, Printer} }

// TransportPTY is the transport of a device on a pseudo-terminal.
const TransportPTY = "pty"

// EventDevice is the Device of events about the emulator as a whole.
const EventDevice = "emulator"

// Config says what to emulate and where.
type Config struct {
	// Profile is the terminal model; nil means profile.Default().
	Profile *profile.Profile
	// DevDir holds the device links, devices.json and the lock file; ""
	// means DefaultDevDir().
	DevDir string
	// Clock stamps events when the emulator makes its own bus; nil means
	// the wall clock.
	Clock clock.Clock
	// Bus receives every device's events; nil makes one that keeps the
	// last 4096. A bus passed in is not closed by Close.
	Bus *events.Bus
	// USBIP is where the USB/IP server that exports the printer's USB door
	// listens (loopback only; port 0 picks one); "" means no USB/IP.
	USBIP string
	// Log receives what the USB/IP server logs (refused connections and
	// malformed PDUs); nil discards it.
	Log *slog.Logger
}

// DefaultDevDir is $XDG_RUNTIME_DIR/posemu, or posemu-$UID in the temp
// directory when there is no runtime directory.
func DefaultDevDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "posemu")
	}
	return filepath.Join(os.TempDir(), "posemu-"+strconv.Itoa(os.Getuid()))
}

// Emulator is the virtual terminal's hardware.
type Emulator struct {
	profile *profile.Profile
	devdir  string
	clock   clock.Clock
	bus     *events.Bus
	ownBus  bool
	created bool // devdir was made by New, so Close removes it
	lock    *os.File

	lcd         *lcd.Model
	custDisplay *custdisplay.Model
	keypad      *keypad.Model
	scanner     *scanner.Model
	printer     *printer.Model

	usbip      *usbip.Server
	usbipAddr  string
	usbPrinter *usbprinter.Printer

	devices []*device

	mu         sync.Mutex // serialises plugging, the map file and Close
	controlURL string
	gateway    gatewayURL // payment_gateway of the device map
	mapWritten bool
	closed     bool
}

// device is one peripheral's wire.
type device struct {
	name      string
	baud      int
	transport string
	wire      wire
}

// wire is how a device is connected: a pty (*ptydev.Device) or an export
// on the USB/IP server.
type wire interface {
	Plugged() bool
	Path() string
	Link() string
	Unplug() error
	Replug() error
	Close() error
}

// New creates every device on its own pty, links them in the device
// directory, and takes the directory's lock. It refuses a directory that
// a running posemu holds; one left behind by a dead one is taken over.
func New(cfg Config) (*Emulator, error) {
	e := &Emulator{profile: cfg.Profile, devdir: cfg.DevDir, clock: cfg.Clock, bus: cfg.Bus}
	if e.profile == nil {
		e.profile = profile.Default()
	}
	if e.devdir == "" {
		e.devdir = DefaultDevDir()
	}
	abs, err := filepath.Abs(e.devdir)
	if err != nil {
		return nil, fmt.Errorf("devdir %s: %w", e.devdir, err)
	}
	e.devdir = abs
	if e.clock == nil {
		e.clock = clock.Real()
	}
	if e.bus == nil {
		e.bus = events.NewBus(4096, e.clock.Now)
		e.ownBus = true
	}
	if e.created, err = makeDevDir(e.devdir); err != nil {
		return nil, err
	}
	if e.lock, err = acquireLock(e.devdir); err != nil {
		e.removeDevDir()
		return nil, err
	}
	// Whoever held the lock before us is gone; a map it left would point
	// at ptys that no longer exist.
	os.Remove(e.mapPath())
	os.Remove(e.mapPath() + ".tmp")

	if err := e.createDevices(cfg); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *Emulator) createDevices(cfg Config) error {
	p := e.profile
	// A model writes to the host through its pty, and the pty feeds the
	// model: ptydev.Attach builds the model around the device.
	add := func(name string, baud int, attach func(host io.Writer) func([]byte)) error {
		d, err := ptydev.Attach(name, e.devdir, attach)
		if err != nil {
			return err
		}
		e.devices = append(e.devices, &device{name: name, baud: baud, transport: TransportPTY, wire: d})
		return nil
	}
	if err := add(LCD, p.LCD.Baud, func(host io.Writer) func([]byte) {
		e.lcd = lcd.New(p.LCD, host, e.bus)
		return e.lcd.Feed
	}); err != nil {
		return err
	}
	if err := add(CustDisplay, p.CustDisplay.Baud, func(io.Writer) func([]byte) {
		e.custDisplay = custdisplay.New(p.CustDisplay, e.bus)
		return e.custDisplay.Feed
	}); err != nil {
		return err
	}
	if err := add(Keypad, p.Keypad.Baud, func(host io.Writer) func([]byte) {
		e.keypad = keypad.New(p.Keypad, host, e.bus)
		return e.keypad.Feed
	}); err != nil {
		return err
	}
	if err := add(Scanner, p.Scanner.Baud, func(host io.Writer) func([]byte) {
		e.scanner = scanner.New(p.Scanner, host, e.bus)
		return e.scanner.Feed
	}); err != nil {
		return err
	}
	// One printer model behind two doors: its pty and, with USB/IP, its
	// USB printer interface (emulator/usb.go says where replies go).
	doors := &printerDoors{}
	if err := add(Printer, p.Printer.Baud, func(host io.Writer) func([]byte) {
		doors.pty = host
		e.printer = printer.NewWithOptions(p.Printer, doors, e.bus, printer.Options{Clock: e.clock})
		doors.model = e.printer
		return doors.feedPTY
	}); err != nil {
		return err
	}
	if cfg.USBIP == "" {
		return nil
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return e.startUSBIP(cfg.USBIP, doors, log)
}

// Profile is the terminal model being emulated.
func (e *Emulator) Profile() *profile.Profile { return e.profile }

// DevDir is the absolute path of the device directory.
func (e *Emulator) DevDir() string { return e.devdir }

// Bus carries every device's events.
func (e *Emulator) Bus() *events.Bus { return e.bus }

// Clock is the emulator's clock.
func (e *Emulator) Clock() clock.Clock { return e.clock }

// LCD is the operator display's model.
func (e *Emulator) LCD() *lcd.Model { return e.lcd }

// CustDisplay is the customer display's model.
func (e *Emulator) CustDisplay() *custdisplay.Model { return e.custDisplay }

// Keypad is the keypad's model.
func (e *Emulator) Keypad() *keypad.Model { return e.keypad }

// Scanner is the payment-code scanner's model.
func (e *Emulator) Scanner() *scanner.Model { return e.scanner }

// Printer is the receipt printer's model.
func (e *Emulator) Printer() *printer.Model { return e.printer }

// DeviceInfo is where one device is and whether it is connected.
type DeviceInfo struct {
	Name      string `json:"-"`
	Path      string `json:"path"` // the pty slave; changes on every replug; "" while unplugged
	Link      string `json:"link"` // stable; absent while unplugged
	Transport string `json:"transport"`
	Plugged   bool   `json:"plugged"`
	Baud      int    `json:"baud"`
}

// Devices describes every device, in DeviceNames order.
func (e *Emulator) Devices() []DeviceInfo {
	out := make([]DeviceInfo, 0, len(e.devices))
	for _, d := range e.devices {
		out = append(out, d.info())
	}
	return out
}

func (d *device) info() DeviceInfo {
	plugged := d.wire.Plugged()
	path := ""
	if plugged {
		path = d.wire.Path()
	}
	return DeviceInfo{Name: d.name, Path: path, Link: d.wire.Link(), Transport: d.transport, Plugged: plugged, Baud: d.baud}
}

// Device describes the device called name.
func (e *Emulator) Device(name string) (DeviceInfo, error) {
	d, err := e.device(name)
	if err != nil {
		return DeviceInfo{}, err
	}
	return d.info(), nil
}

// UnknownDeviceError is a device name the emulator does not have.
type UnknownDeviceError struct {
	Name  string
	Known []string
}

func (e *UnknownDeviceError) Error() string {
	return fmt.Sprintf("unknown device %q (devices: %s)", e.Name, strings.Join(e.Known, ", "))
}

func (e *Emulator) device(name string) (*device, error) {
	for _, d := range e.devices {
		if d.name == name {
			return d, nil
		}
	}
	known := make([]string, 0, len(e.devices))
	for _, d := range e.devices {
		known = append(known, d.name)
	}
	return nil, &UnknownDeviceError{Name: name, Known: known}
}

// ErrClosed is returned by operations on a closed emulator.
var ErrClosed = errors.New("emulator closed")

// Unplug disconnects a device as if its cable were pulled: its link
// disappears and the host's open port fails. Unplugging an unplugged device
// does nothing.
func (e *Emulator) Unplug(name string) error { return e.setPlugged(name, false) }

// Replug connects a device again, on a new pty behind the same link.
func (e *Emulator) Replug(name string) error { return e.setPlugged(name, true) }

func (e *Emulator) setPlugged(name string, plug bool) error {
	d, err := e.device(name)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if d.wire.Plugged() == plug {
		return nil
	}
	kind := "unplug"
	if plug {
		kind = "replug"
		err = d.wire.Replug()
	} else {
		err = d.wire.Unplug()
	}
	if err != nil {
		return err
	}
	detail := map[string]any{"link": d.wire.Link()}
	if plug {
		detail["path"] = d.wire.Path()
	}
	e.bus.Publish(name, kind, detail)
	if e.mapWritten {
		return e.writeMapLocked()
	}
	return nil
}

// Plugged reports whether the device called name is connected.
func (e *Emulator) Plugged(name string) (bool, error) {
	d, err := e.device(name)
	if err != nil {
		return false, err
	}
	return d.wire.Plugged(), nil
}

// Close disconnects every device and removes everything the emulator put
// in the device directory, and the directory itself if New made it.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	errs := []error{e.closeUSBIP()}
	for _, d := range e.devices {
		if err := d.wire.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range []string{e.mapPath(), e.mapPath() + ".tmp"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if e.lock != nil {
		errs = append(errs, releaseLock(e.devdir, e.lock))
	}
	e.removeDevDir()
	if e.ownBus {
		e.bus.Close()
	}
	return errors.Join(errs...)
}

// makeDevDir creates dir (0700) when missing and reports whether it did.
// An existing dir must be a directory of this user: devices and the map
// must not land where another user can swap them.
func makeDevDir(dir string) (bool, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("devdir: %w", err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("devdir: %w", err)
	case !fi.IsDir():
		return false, fmt.Errorf("devdir %s: not a directory", dir)
	}
	if uid, ok := ownerUID(fi); ok && uid != os.Geteuid() {
		return false, fmt.Errorf("devdir %s: owned by uid %d, not by this user (uid %d); choose another --devdir", dir, uid, os.Geteuid())
	}
	return false, nil
}

func (e *Emulator) removeDevDir() {
	if e.created {
		os.Remove(e.devdir) // only when empty: someone else's files stay
	}
}

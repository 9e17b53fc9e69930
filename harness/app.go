package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/profile"
)

// Device names, as in the emulator, a station file and expect_event.
const (
	DevLCD         = "lcd"
	DevCustDisplay = "custdisplay"
	DevKeypad      = "keypad"
	DevScanner     = "scanner"
	DevPrinter     = "printer"
	// DevUSBPrinter is the printer's USB door (usb: or usbip:// address).
	DevUSBPrinter = "usb-printer"
)

var deviceNames = []string{DevLCD, DevCustDisplay, DevKeypad, DevScanner, DevPrinter, DevUSBPrinter}

// App plays the terminal application's part until there is one: it holds
// the project's drivers on the devices' ports, so that scenarios test the
// whole stack (driver, wire, device) as the application will use it. On
// the emulator the ports are the ptys; on a physical terminal, the station
// file's addresses.
type App struct {
	prof    *profile.Profile
	addrs   map[string]string
	quiet   *slog.Logger
	held    string       // who holds the devices instead (the terminal application), or ""
	drivers driverConfig // where the LCD's and the printer's configurations start

	mu       sync.Mutex
	closed   bool
	lcdPort  port.Port
	lcd      *lcd.Display
	custPort port.Port
	cust     *custdisplay.Display
	prnPort  port.Port
	printers map[string]*appPrinter // drivers/printer on each printer door
	keypad   *keypad.Keypad
	scanner  *scanner.Scanner
	stopScan context.CancelFunc
	scanDone chan struct{}
	keys     []keypad.Event
	scans    []ScanResult
	notify   chan struct{}
}

// driverConfig is where the LCD's and the printer's driver configurations
// start; the profile fills in the rest (line speed, receive window). The
// zero value is the drivers' defaults, which suit the hardware: a
// physical terminal keeps them.
type driverConfig struct {
	lcd     lcd.Config
	printer printer.Config
}

// emulatorDrivers configure the drivers on the emulator. Every frame to
// the emulated LCD and every status request to the emulated printer is
// answered, in microseconds on an idle machine and much later on a loaded
// one: the drivers wait for the answer generously, which costs nothing
// when it comes. The printer asks for its status every 20 ms while a chunk
// prints, so a fault in the middle of a slip is seen at once.
var emulatorDrivers = driverConfig{
	lcd:     lcd.Config{Timeout: 5 * time.Second},
	printer: printer.Config{Timeout: 5 * time.Second, Poll: 20 * time.Millisecond},
}

// ScanResult is one Read of the scanner driver: a code or why none.
type ScanResult struct {
	Code string
	Err  error
}

// NewApp returns an app for the devices at addrs (device name → port
// address), decoding keys and framing codes as p says. Nothing is opened
// until a step needs it.
func NewApp(p *profile.Profile, addrs map[string]string) *App {
	return &App{prof: p, addrs: addrs, notify: make(chan struct{}),
		quiet: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Profile is the device profile the drivers are configured from.
func (a *App) Profile() *profile.Profile { return a.prof }

// Address is where device is, or an error saying it has none.
func (a *App) Address(device string) (string, error) {
	if a.held != "" {
		return "", heldError(device)
	}
	if addr := a.addrs[device]; addr != "" {
		return addr, nil
	}
	return "", fmt.Errorf("no address for the %s: add it under devices: in the station file", device)
}

// Has reports whether the app can reach device.
func (a *App) Has(device string) bool { return a.addrs[device] != "" }

// changed is closed whenever a reader gets something.
func (a *App) changed() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.notify
}

func (a *App) wake() {
	close(a.notify)
	a.notify = make(chan struct{})
}

// Listen starts the readers of devices (keypad, scanner) so that what they
// send from now on is kept until a step asks for it.
func (a *App) Listen(devices []string) error {
	for _, d := range devices {
		var err error
		switch d {
		case DevKeypad:
			err = a.listenKeypad()
		case DevScanner:
			err = a.listenScanner()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *App) open(device string) (port.Port, string, error) {
	addr, err := a.Address(device)
	if err != nil {
		return nil, "", err
	}
	p, err := port.Open(addr)
	return p, addr, err
}

func (a *App) listenKeypad() error {
	p, addr, err := a.open(DevKeypad)
	if err != nil {
		return err
	}
	k := keypad.New(p, a.prof.Keypad.Keys, keypad.Config{Reopen: port.Reopener(addr), Logger: a.quiet, Buffer: 256})
	a.mu.Lock()
	a.keypad = k
	a.mu.Unlock()
	go func() {
		for ev := range k.Events() {
			a.mu.Lock()
			a.keys = append(a.keys, ev)
			a.wake()
			a.mu.Unlock()
		}
	}()
	return nil
}

func (a *App) listenScanner() error {
	p, addr, err := a.open(DevScanner)
	if err != nil {
		return err
	}
	sp := a.prof.Scanner
	s := scanner.New(p, scanner.Config{Suffix: sp.Suffix, Prefix: sp.Prefix, AIM: sp.AIM, MaxLength: sp.MaxLength,
		Reopen: port.Reopener(addr), Logger: a.quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	a.mu.Lock()
	a.scanner, a.stopScan, a.scanDone = s, cancel, done
	a.mu.Unlock()
	go func() {
		defer close(done)
		for {
			code, err := s.Read(ctx)
			if ctx.Err() != nil || errors.Is(err, scanner.ErrClosed) {
				return
			}
			a.mu.Lock()
			a.scans = append(a.scans, ScanResult{Code: code, Err: err})
			a.wake()
			a.mu.Unlock()
		}
	}()
	return nil
}

// Keys returns the keypad events not yet consumed, oldest first.
func (a *App) Keys() []keypad.Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.keys)
}

// ConsumeKeys forgets the first n events Keys returned.
func (a *App) ConsumeKeys(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keys = a.keys[min(n, len(a.keys)):]
}

// Scans returns the scanner reads not yet consumed, oldest first.
func (a *App) Scans() []ScanResult {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.scans)
}

// ConsumeScans forgets the first n reads Scans returned.
func (a *App) ConsumeScans(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.scans = a.scans[min(n, len(a.scans)):]
}

// Listening reports whether the reader of device runs.
func (a *App) Listening(device string) bool {
	return (device == DevKeypad || device == DevScanner) && a.isOpen(device)
}

// LCD runs fn with the operator display's driver, opening its port on
// first use. A port lost to an unplug is opened again, once, as an
// application would after the device came back.
func (a *App) LCD(fn func(d *lcd.Display) error) error {
	return a.writeSide(DevLCD, func(p port.Port) {
		a.lcdPort, a.lcd = p, nil
		if p != nil {
			cfg := a.drivers.lcd
			cfg.Baud = a.prof.LCD.Baud
			a.lcd = lcd.New(p, cfg)
		}
	}, func() port.Port { return a.lcdPort }, func() error { return fn(a.lcd) })
}

// CustDisplay runs fn with the customer display's driver, as LCD does.
func (a *App) CustDisplay(fn func(d *custdisplay.Display) error) error {
	c := a.prof.CustDisplay
	return a.writeSide(DevCustDisplay, func(p port.Port) {
		a.custPort, a.cust = p, nil
		if p != nil {
			a.cust = custdisplay.New(p, custdisplay.Config{Columns: c.Columns, Rows: c.Rows, CommandSet: c.CommandSet})
		}
	}, func() port.Port { return a.custPort }, func() error { return fn(a.cust) })
}

// Printer runs fn with the printer's port, as LCD does. (Raw ESC/POS until
// drivers/printer exists.)
func (a *App) Printer(fn func(p port.Port) error) error {
	return a.writeSide(DevPrinter, func(p port.Port) { a.prnPort = p },
		func() port.Port { return a.prnPort }, func() error { return fn(a.prnPort) })
}

// writeSide opens a port on first use, runs op, and after a disconnect
// reopens and runs op once more.
func (a *App) writeSide(device string, attach func(port.Port), cur func() port.Port, op func() error) error {
	a.mu.Lock()
	closed := a.closed
	a.mu.Unlock()
	if closed {
		return errors.New("app closed")
	}
	if cur() == nil {
		p, _, err := a.open(device)
		if err != nil {
			return err
		}
		attach(p)
	}
	err := op()
	if err == nil || !(errors.Is(err, port.ErrDisconnected) || errors.Is(err, os.ErrClosed)) {
		return err
	}
	_ = cur().Close()
	p, _, oerr := a.open(device)
	if oerr != nil {
		attach(nil)
		return fmt.Errorf("%w (and reopening failed: %v)", err, oerr)
	}
	attach(p)
	return op()
}

// Close stops the readers and closes every port.
func (a *App) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	k, s, stop, done := a.keypad, a.scanner, a.stopScan, a.scanDone
	a.mu.Unlock()
	var errs []error
	if k != nil {
		errs = append(errs, ignoreClosed(k.Close()))
	}
	if s != nil {
		stop()
		errs = append(errs, ignoreClosed(s.Close()))
		<-done
	}
	for _, ap := range a.printers {
		if ap.port != nil {
			errs = append(errs, ignoreClosed(ap.port.Close()))
		}
	}
	for _, p := range []port.Port{a.lcdPort, a.custPort, a.prnPort} {
		if p != nil {
			errs = append(errs, ignoreClosed(p.Close()))
		}
	}
	return errors.Join(errs...)
}

// ignoreClosed drops the errors of closing a port whose device is gone:
// an unplugged device at the end of a scenario is not a failure.
func ignoreClosed(err error) error {
	if err == nil || errors.Is(err, port.ErrDisconnected) || errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

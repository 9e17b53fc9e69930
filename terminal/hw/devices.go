package hw

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/drivers/scanner"
	"github.com/posemu/posemu/profile"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
)

// Addresses says where each peripheral is, in drivers/port syntax.
type Addresses struct {
	LCD, CustDisplay, Keypad, Scanner, Printer string
}

// DeviceMap is the part of posemu's devices.json the terminal reads.
type DeviceMap struct {
	Addresses
	// Gateway is the payment platform's URL when posemu serves one
	// ("payment_gateway"), else "".
	Gateway string
}

// ReadDeviceMap reads posemu's devices.json. Each device's stable link is
// preferred to its pty path, which changes on every replug.
func ReadDeviceMap(path string) (DeviceMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return DeviceMap{}, fmt.Errorf("device map: %w (is posemu running?)", err)
	}
	var m struct {
		Gateway string `json:"payment_gateway"`
		Devices map[string]struct {
			Path string `json:"path"`
			Link string `json:"link"`
		} `json:"devices"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return DeviceMap{}, fmt.Errorf("device map %s: %w", path, err)
	}
	addr := func(name string) string {
		d := m.Devices[name]
		if d.Link != "" {
			return d.Link
		}
		return d.Path
	}
	return DeviceMap{Gateway: m.Gateway, Addresses: Addresses{LCD: addr("lcd"), CustDisplay: addr("custdisplay"),
		Keypad: addr("keypad"), Scanner: addr("scanner"), Printer: addr("printer")}}, nil
}

// Resolve works out the addresses a config names: its device map (if
// any) overlaid with the per-device addresses it gives.
func Resolve(d config.Devices) (DeviceMap, error) {
	var m DeviceMap
	if d.Map != "" {
		var err error
		if m, err = ReadDeviceMap(d.Map); err != nil {
			return m, err
		}
	}
	for _, o := range []struct {
		dst *string
		src string
	}{{&m.LCD, d.LCD}, {&m.CustDisplay, d.CustDisplay},
		{&m.Keypad, d.Keypad}, {&m.Scanner, d.Scanner}, {&m.Printer, d.Printer}} {
		if o.src != "" {
			*o.dst = o.src
		}
	}
	return m, nil
}

// Hardware is the opened peripherals.
type Hardware struct {
	LCD      *lcd.Display
	Customer *custdisplay.Display
	Keypad   *keypad.Keypad
	Scanner  *scanner.Scanner
	Printer  *printer.Printer
	Paper    printer.Paper

	closers []func() error
}

// Options tune Open.
type Options struct {
	// Clock stamps key events; the drivers' reconnect back-off and port
	// timeouts stay on the wall clock, since they pace real I/O.
	Clock  clock.Clock
	Logger *slog.Logger
	// Wrap, if set, wraps each port as it is opened (name is "lcd",
	// "keypad", …): for tracing, and for tests that act at a precise
	// point of the traffic.
	Wrap func(name string, p port.Port) port.Port
	// LCD and Printer are where those drivers' configurations start: Open
	// fills in what the profile decides (the LCD's line speed, the
	// printer's receive window) where they leave it zero. The zero values
	// are the drivers' defaults, which suit the hardware; tests on a
	// loaded machine use them to give replies longer to come.
	LCD     lcd.Config
	Printer printer.Config
}

// Open opens every device at a with its driver, configured from the
// profile. The LCD, keypad and printer are required; a missing customer
// display or scanner address leaves that device out.
func Open(a Addresses, prof *profile.Profile, opt Options) (*Hardware, error) {
	h := &Hardware{Paper: printer.Paper{Dots: prof.Printer.Dots, Columns: prof.Printer.Columns}}
	fail := func(err error) (*Hardware, error) {
		h.Close()
		return nil, err
	}
	open := func(name, addr string) (port.Port, error) {
		if addr == "" {
			return nil, fmt.Errorf("%s: no address configured", name)
		}
		p, err := port.Open(addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if opt.Wrap != nil {
			p = opt.Wrap(name, p)
		}
		return p, nil
	}
	p, err := open("lcd", a.LCD)
	if err != nil {
		return fail(err)
	}
	lcdCfg := opt.LCD
	if lcdCfg.Baud == 0 {
		lcdCfg.Baud = prof.LCD.Baud
	}
	if lcdCfg.Reopen == nil {
		lcdCfg.Reopen = reopener("lcd", a.LCD, opt)
	}
	h.LCD = lcd.New(p, lcdCfg)
	// The driver's Close: after a replug it holds a port Open never saw.
	h.closers = append(h.closers, h.LCD.Close)

	if p, err = open("keypad", a.Keypad); err != nil {
		return fail(err)
	}
	var kc clock.Clock
	if opt.Clock != nil {
		kc = ioClock{stamp: opt.Clock}
	}
	h.Keypad = keypad.New(p, prof.Keypad.Keys, keypad.Config{Clock: kc, Reopen: reopener("keypad", a.Keypad, opt), Logger: opt.Logger})
	h.closers = append(h.closers, h.Keypad.Close)

	if p, err = open("printer", a.Printer); err != nil {
		return fail(err)
	}
	prnCfg := opt.Printer
	if prnCfg.Window == 0 {
		prnCfg.Window = 1024
		if rb := prof.Printer.ReceiveBuffer; rb > 0 && rb < prnCfg.Window {
			prnCfg.Window = rb
		}
	}
	if prnCfg.Reopen == nil {
		prnCfg.Reopen = reopener("printer", a.Printer, opt)
	}
	h.Printer = printer.New(p, prnCfg)
	h.closers = append(h.closers, h.Printer.Close)

	if a.CustDisplay != "" {
		if p, err = open("custdisplay", a.CustDisplay); err != nil {
			return fail(err)
		}
		h.Customer = custdisplay.New(p, custdisplay.Config{Columns: prof.CustDisplay.Columns, Rows: prof.CustDisplay.Rows,
			CommandSet: prof.CustDisplay.CommandSet, Reopen: reopener("custdisplay", a.CustDisplay, opt)})
		h.closers = append(h.closers, h.Customer.Close)
	}
	if a.Scanner != "" {
		if p, err = open("scanner", a.Scanner); err != nil {
			return fail(err)
		}
		h.Scanner = scanner.New(p, scanner.Config{Suffix: prof.Scanner.Suffix, Prefix: prof.Scanner.Prefix,
			AIM: prof.Scanner.AIM, MaxLength: prof.Scanner.MaxLength, Reopen: reopener("scanner", a.Scanner, opt), Logger: opt.Logger})
		h.closers = append(h.closers, h.Scanner.Close)
	}
	return h, nil
}

// ioClock stamps with the application's clock and waits on the wall
// clock: the keypad driver paces its reopen attempts with its clock, and
// on a virtual clock that nobody advances a replugged keypad would never
// be opened again.
type ioClock struct{ stamp clock.Clock }

func (c ioClock) Now() time.Time                       { return c.stamp.Now() }
func (ioClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (ioClock) NewTimer(d time.Duration) clock.Timer   { return clock.Real().NewTimer(d) }
func (ioClock) Sleep(d time.Duration)                  { time.Sleep(d) }

func reopener(name, addr string, opt Options) port.Opener {
	return func() (port.Port, error) {
		p, err := port.Open(addr)
		if err == nil && opt.Wrap != nil {
			p = opt.Wrap(name, p)
		}
		return p, err
	}
}

// Devices returns the hardware as the application's devices, with pay as
// the platform.
func (h *Hardware) Devices(pay terminal.Payments) terminal.Devices {
	d := terminal.Devices{Screen: h.LCD, Keys: h.Keypad, Printer: h.Printer, Payments: pay, Paper: h.Paper}
	// Typed nils must not become non-nil interfaces.
	if h.Customer != nil {
		d.Customer = h.Customer
	}
	if h.Scanner != nil {
		d.Scanner = h.Scanner
	}
	return d
}

// Close closes every device.
func (h *Hardware) Close() error {
	var errs []error
	for i := len(h.closers) - 1; i >= 0; i-- {
		if err := h.closers[i](); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
	}
	h.closers = nil
	return errors.Join(errs...)
}

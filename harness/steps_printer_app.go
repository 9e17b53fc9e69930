package harness

import (
	"reflect"
	"slices"
	"sync"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
)

// appPrinter is drivers/printer on one printer door (the serial printer,
// or its USB door), with the job a fault left unfinished.
type appPrinter struct {
	port port.Port
	hook *hookPort
	drv  *printer.Printer
	// job is the last print that stopped part way, for resume_print.
	job *printer.JobError
}

// hookPort runs a function just before each write reaches the line: how a
// step makes the paper run out while a chunk of a slip is on its way.
type hookPort struct {
	port.Port
	mu     sync.Mutex
	before func(p []byte)
}

func (h *hookPort) Write(p []byte) (int, error) {
	h.mu.Lock()
	fn := h.before
	h.mu.Unlock()
	if fn != nil {
		fn(p)
	}
	return h.Port.Write(p)
}

func (h *hookPort) setBefore(fn func(p []byte)) {
	h.mu.Lock()
	h.before = fn
	h.mu.Unlock()
}

// printerConfig keeps the driver's unconfirmed bytes within the printer's
// receive buffer, so a fault mid-slip loses nothing.
func (a *App) printerConfig() printer.Config {
	cfg := a.drivers.printer
	if rb := a.prof.Printer.ReceiveBuffer; rb > 0 && rb < 1024 {
		cfg.Window = rb
	}
	return cfg
}

// paper is the roll the profile's printer takes.
func (a *App) paper() printer.Paper {
	pp := a.prof.Printer
	switch {
	case pp.Dots > 0 && pp.Columns > 0:
		return printer.Paper{Dots: pp.Dots, Columns: pp.Columns}
	case pp.PaperMM >= 80:
		return printer.Paper80
	}
	return printer.Paper58
}

// PrinterDriver runs fn with drivers/printer on device (printer or
// usb-printer), opening its port on first use and again, once, after the
// device was unplugged, as LCD does.
func (a *App) PrinterDriver(device string, fn func(ap *appPrinter) error) error {
	a.mu.Lock()
	if a.printers == nil {
		a.printers = map[string]*appPrinter{}
	}
	ap := a.printers[device]
	if ap == nil {
		ap = &appPrinter{}
		a.printers[device] = ap
	}
	a.mu.Unlock()
	cfg := a.printerConfig()
	return a.writeSide(device, func(p port.Port) {
		ap.port, ap.hook, ap.drv = p, nil, nil
		if p != nil {
			ap.hook = &hookPort{Port: p}
			ap.drv = printer.New(ap.hook, cfg)
		}
	}, func() port.Port { return ap.port }, func() error { return fn(ap) })
}

// usesDevice reports whether a step of sc names device (a Device key, as
// unplug, print and expect_printer_status have).
func usesDevice(sc *Scenario, device string) bool {
	return slices.ContainsFunc(sc.AllSteps(), func(s *Step) bool {
		if slices.Contains(stepDevices[s.Name], device) {
			return true
		}
		v := reflect.ValueOf(s.Params)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return false
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return false
		}
		f := v.FieldByName("Device")
		return f.IsValid() && f.Kind() == reflect.String && f.String() == device
	})
}

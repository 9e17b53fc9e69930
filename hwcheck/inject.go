package hwcheck

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/printer"
)

// Fault is a device fault injected into an emulated unit before its
// checks run (--inject), so that CI can show that a plan catches it. The
// faults are those the control API offers (docs/control-api.md: unplug
// any device, the printer's paper, cover and cutter) and the LCD model's
// busy spell.
type Fault struct {
	Spec   string // as written: "printer.paper=out"
	Device string
	What   string // unplugged, paper, cover, cutter, drawer, busy
	Value  string
}

func (f Fault) String() string { return f.Spec }

// FaultForms lists what --inject takes.
var FaultForms = []string{
	"DEVICE.unplugged (DEVICE: " + strings.Join(unplugDevices(), ", ") + ")",
	"printer.paper=ok|near_end|out",
	"printer.cover=open|closed",
	"printer.cutter=jammed|ok",
	"printer.drawer=open|closed",
	"lcd.busy=N (the LCD answers the next N frames with NAK busy)",
}

func unplugDevices() []string {
	return append(emulator.DeviceNames(), emulator.USBPrinter)
}

// ParseFault reads one --inject value.
func ParseFault(spec string) (Fault, error) {
	bad := func(format string, args ...any) (Fault, error) {
		return Fault{}, fmt.Errorf("--inject %q: %s (valid: %s)", spec, fmt.Sprintf(format, args...), strings.Join(FaultForms, "; "))
	}
	target, value, hasValue := strings.Cut(strings.TrimSpace(spec), "=")
	dev, what, ok := strings.Cut(target, ".")
	if !ok || dev == "" || what == "" {
		return bad("write DEVICE.FAULT or DEVICE.FAULT=VALUE")
	}
	f := Fault{Spec: spec, Device: dev, What: what, Value: value}
	if !slices.Contains(unplugDevices(), dev) {
		return bad("unknown device %q", dev)
	}
	if what == "unplugged" {
		if hasValue {
			return bad("unplugged takes no value")
		}
		return f, nil
	}
	valid := map[string][]string{
		"printer.paper":  {"ok", "near_end", "near-end", "out"},
		"printer.cover":  {"open", "closed"},
		"printer.cutter": {"jammed", "ok"},
		"printer.drawer": {"open", "closed"},
	}
	switch {
	case target == "lcd.busy":
		if n, err := strconv.Atoi(value); err != nil || n < 1 || n > 1_000_000 {
			return bad("lcd.busy takes a number of frames, 1 or more")
		}
		return f, nil
	case valid[target] != nil:
		if !slices.Contains(valid[target], value) {
			return bad("%s takes %s", target, strings.Join(valid[target], ", "))
		}
		return f, nil
	}
	return bad("no fault %q on the %s", what, dev)
}

// Apply makes the fault happen on e.
func (f Fault) Apply(e *emulator.Emulator) error {
	p := e.Printer()
	switch f.Device + "." + f.What {
	case "printer.paper":
		state := printer.PaperOK
		switch f.Value {
		case "near_end", "near-end":
			state = printer.PaperNearEnd
		case "out":
			state = printer.PaperOut
		}
		return p.SetPaper(state)
	case "printer.cover":
		p.SetCover(f.Value == "open")
	case "printer.cutter":
		p.SetCutterJammed(f.Value == "jammed")
	case "printer.drawer":
		p.SetDrawerOpen(f.Value == "open")
	case "lcd.busy":
		n, _ := strconv.Atoi(f.Value)
		e.LCD().BusyFor(n)
	default:
		if f.What != "unplugged" {
			return errors.New("unknown fault " + f.Spec)
		}
		return e.Unplug(f.Device)
	}
	return nil
}

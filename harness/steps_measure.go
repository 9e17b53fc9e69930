package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	drvkeypad "github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
)

// MeasureKeyLatencyStep times key presses from the keypad to the driver.
type MeasureKeyLatencyStep struct {
	Key    string `yaml:"key" shorthand:"true" doc:"the key to press (default 5)"`
	Limits `yaml:",inline"`
}

// MeasureScanStep times a scan from the scanner to the driver's code.
type MeasureScanStep struct {
	Code   string `yaml:"code" shorthand:"true" doc:"the code to scan (default HWCHECK-0001)"`
	Limits `yaml:",inline"`
}

// MeasureLCDStep times LCD frame round trips (info query and its reply).
type MeasureLCDStep struct {
	Limits `yaml:",inline"`
}

// MeasurePrinterStatusStep times printer status round trips (DLE EOT 1–4).
type MeasurePrinterStatusStep struct {
	Limits `yaml:",inline"`
}

// MeasureUSBStep times opening the USB printer: import or enumeration,
// descriptors, configuration.
type MeasureUSBStep struct {
	Limits `yaml:",inline"`
}

// sampleTimeout bounds one sample's wait for its answer: a device that
// never answers fails the step instead of holding the line. It is not a
// measurement (the limits judge how long each answer took, and fail a
// slow unit), so it is generous, for a loaded machine.
const sampleTimeout = 10 * time.Second

func init() {
	Register(Def[MeasureKeyLatencyStep]{
		Name: "measure_key_latency", Area: "measurements",
		Summary:       "press a key on the emulated keypad and time it until the keypad driver delivers it (ms)",
		Example:       `- measure_key_latency: {key: "5", samples: 5, max: 20ms}`,
		Emulator:      measureKeyLatency,
		NotOnHardware: "timing a key press needs the moment the key went down: the emulator presses it (a bench would need a key-pressing jig)",
		Listen:        []string{DevKeypad},
	})
	Register(Def[MeasureScanStep]{
		Name: "measure_scan_decode", Area: "measurements",
		Summary:       "present a code to the emulated scanner and time it until the scanner driver returns it (ms)",
		Example:       `- measure_scan_decode: {code: "HWCHECK-0001", max: 50ms}`,
		Emulator:      measureScan,
		NotOnHardware: "timing a scan needs the moment the code was presented: the emulator presents it",
		Listen:        []string{DevScanner},
	})
	Register(Def[MeasureLCDStep]{
		Name: "measure_lcd_round_trip", Area: "measurements",
		Summary:  "time the operator display's frame round trip: an info query frame to its reply, through drivers/lcd (ms)",
		Example:  `- measure_lcd_round_trip: {samples: 5, max: 20ms}`,
		Emulator: measureLCD, Physical: measureLCD,
	})
	Register(Def[MeasurePrinterStatusStep]{
		Name: "measure_printer_status", Area: "measurements",
		Summary:  "time the printer's status round trip: DLE EOT 1–4 to the four replies, through drivers/printer (ms)",
		Example:  `- measure_printer_status: {samples: 5, max: 50ms}`,
		Emulator: measurePrinterStatus, Physical: measurePrinterStatus,
	})
	Register(Def[MeasureUSBStep]{
		Name: "measure_usb_enumeration", Area: "measurements",
		Summary:  "time opening the USB printer (usb-printer): import or enumeration, descriptors and configuration, until its bulk pipes are ready (ms)",
		Example:  `- measure_usb_enumeration: {samples: 3, max: 500ms}`,
		Emulator: measureUSB, Physical: measureUSB,
	})
}

func measureKeyLatency(r *Run, s *MeasureKeyLatencyStep) error {
	app := r.App()
	if err := needListening(app, DevKeypad); err != nil {
		return err
	}
	key := s.Key
	if key == "" {
		key = "5"
	}
	var ds []time.Duration
	for range s.samples(5) {
		app.ConsumeKeys(len(app.Keys()))
		t0 := time.Now()
		if err := r.Emulator().Keypad().Press(key); err != nil {
			return r.MeasureDurationsFailed("key_latency", ds, s.Limits, err)
		}
		var got time.Duration
		err := r.Await(sampleTimeout, "key "+key+" from the keypad driver", func() (bool, string) {
			evs := app.Keys()
			for i, ev := range evs {
				if ev.Kind == drvkeypad.KeyPress && strings.EqualFold(ev.Key, key) {
					got = time.Since(t0)
					if !ev.Time.IsZero() && ev.Time.After(t0) {
						got = ev.Time.Sub(t0) // when the driver read it, not when we looked
					}
					app.ConsumeKeys(i + 1)
					return true, ""
				}
			}
			return false, "keypad events read: " + keyEvents(evs)
		})
		if err != nil {
			return r.MeasureDurationsFailed("key_latency", ds, s.Limits, err)
		}
		ds = append(ds, got)
	}
	return r.MeasureDurations("key_latency", ds, s.Limits)
}

func measureScan(r *Run, s *MeasureScanStep) error {
	app := r.App()
	if err := needListening(app, DevScanner); err != nil {
		return err
	}
	code := s.Code
	if code == "" {
		code = "HWCHECK-0001"
	}
	var ds []time.Duration
	for range s.samples(5) {
		app.ConsumeScans(len(app.Scans()))
		t0 := time.Now()
		if err := r.Emulator().Scanner().Scan(code); err != nil {
			return r.MeasureDurationsFailed("scan_decode", ds, s.Limits, err)
		}
		var got time.Duration
		err := r.Await(sampleTimeout, "the code "+code+" from the scanner driver", func() (bool, string) {
			reads := app.Scans()
			var seen []string
			for i, sr := range reads {
				if sr.Err == nil && sr.Code == code {
					got = time.Since(t0)
					app.ConsumeScans(i + 1)
					return true, ""
				}
				seen = append(seen, scanString(sr))
			}
			return false, "scanner reads: " + strings.Join(seen, ", ")
		})
		if err != nil {
			return r.MeasureDurationsFailed("scan_decode", ds, s.Limits, err)
		}
		ds = append(ds, got)
	}
	return r.MeasureDurations("scan_decode", ds, s.Limits)
}

func measureLCD(r *Run, s *MeasureLCDStep) error {
	var ds []time.Duration
	err := r.App().LCD(func(d *lcd.Display) error {
		for range s.samples(5) {
			t0 := time.Now()
			if _, err := d.Info(); err != nil {
				return err
			}
			ds = append(ds, time.Since(t0))
		}
		return nil
	})
	if err != nil {
		return r.MeasureDurationsFailed("lcd_round_trip", ds, s.Limits, err)
	}
	return r.MeasureDurations("lcd_round_trip", ds, s.Limits)
}

func measurePrinterStatus(r *Run, s *MeasurePrinterStatusStep) error {
	var ds []time.Duration
	// The printer door's own driver, as the other printer steps use: a
	// serial line opens once (TIOCEXCL).
	err := r.App().PrinterDriver(DevPrinter, func(ap *appPrinter) error {
		for range s.samples(5) {
			ctx, cancel := context.WithTimeout(r.Context(), sampleTimeout)
			t0 := time.Now()
			_, err := ap.drv.Status(ctx)
			cancel()
			if err != nil {
				return err
			}
			ds = append(ds, time.Since(t0))
		}
		return nil
	})
	if err != nil {
		return r.MeasureDurationsFailed("printer_status_round_trip", ds, s.Limits, err)
	}
	return r.MeasureDurations("printer_status_round_trip", ds, s.Limits)
}

func measureUSB(r *Run, s *MeasureUSBStep) error {
	var ds []time.Duration
	for range s.samples(3) {
		p, t0, err := r.openUSBPrinter()
		if err != nil {
			return r.MeasureDurationsFailed("usb_enumeration", ds, s.Limits, err)
		}
		ds = append(ds, time.Since(t0))
		p.Close()
	}
	return r.MeasureDurations("usb_enumeration", ds, s.Limits)
}

// MeasureDurationsFailed records what was measured before err stopped the
// step (so the report shows the measurement as failed) and returns err.
func (r *Run) MeasureDurationsFailed(def string, ds []time.Duration, lim Limits, err error) error {
	_ = r.MeasureDurations(def, ds, lim)
	if n := len(r.measures); n > 0 {
		r.measures[n-1].Pass = false
	}
	return r.Failf("", "%s: failed after %d good samples: %v", orName(lim.Name, def), len(ds), err)
}

func orName(name, def string) string {
	if name != "" {
		return name
	}
	return def
}

// openUSBPrinter opens the usb-printer's address (usb:VID:PID or
// usbip://…) as a USB printer port, and says when the attempt that
// succeeded began. A device that a moment ago was closed here may still
// be busy: the USB/IP server (or the kernel) has not yet seen it go. That
// wait is retried and is not part of the open's time.
func (r *Run) openUSBPrinter() (port.USBPort, time.Time, error) {
	app := r.App()
	if app == nil {
		return nil, time.Time{}, fmt.Errorf("this target has no terminal-side drivers")
	}
	addr, err := app.Address(DevUSBPrinter)
	if err != nil {
		if r.Emulator() != nil {
			return nil, time.Time{}, fmt.Errorf("the emulator has no USB printer: start it with USB/IP on (emulator.Config.USBIP)")
		}
		return nil, time.Time{}, err
	}
	var p port.Port
	t0 := time.Now()
	give := t0.Add(sampleTimeout)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		p, err = port.Open(addr)
		if !errors.Is(err, port.ErrBusy) || t0.After(give) {
			break
		}
		// Nothing says when the last connection is gone: ask again, less
		// often the longer it takes.
		select {
		case <-time.After(pause):
		case <-r.ctx.Done():
			return nil, time.Time{}, r.ctx.Err()
		}
		t0 = time.Now()
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	up, ok := p.(port.USBPort)
	if !ok {
		p.Close()
		return nil, time.Time{}, fmt.Errorf("%s is not a USB address (want usb:VID:PID or usbip://HOST:PORT/BUSID)", addr)
	}
	return up, t0, nil
}

package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/drivers/usb"
)

// Steps for manufacturing checks (hwcheck, docs/hwcheck.md): does a device
// answer, does every pixel light, does the printer print a test slip. They
// are ordinary steps, usable in any scenario.

// ExpectLCDInfoStep asks the operator display what it is.
type ExpectLCDInfoStep struct {
	Width    int    `yaml:"width" doc:"the display is this many pixels wide"`
	Height   int    `yaml:"height" doc:"and this many high"`
	Depth    int    `yaml:"depth" doc:"bits per pixel: 16 (RGB565) or 1"`
	Firmware string `yaml:"firmware" doc:"the firmware string contains this"`
}

// ExpectScreenFillStep checks that every pixel of the operator display has
// one colour: with lcd_clear, the every-pixel-on and every-pixel-off test.
type ExpectScreenFillStep struct {
	Color   Color    `yaml:"color" required:"true" shorthand:"true" doc:"the colour every pixel has"`
	Timeout Duration `yaml:"timeout" doc:"how long to wait"`
}

// ExpectUSBPrinterStep opens the USB printer and reads what it says it is.
type ExpectUSBPrinterStep struct {
	VID      *int   `yaml:"vid" doc:"vendor id, e.g. 0x04b8"`
	PID      *int   `yaml:"pid" doc:"product id, e.g. 0x0202"`
	DeviceID string `yaml:"device_id" doc:"the IEEE 1284 device ID (GET_DEVICE_ID) contains this, e.g. MFG:EPSON"`
	Ready    *bool  `yaml:"ready" doc:"GET_PORT_STATUS says selected, no error, paper present (true) or not (false)"`
}

// PrintTestSlipStep prints a slip through drivers/printer with every style
// the driver has, Chinese text, a barcode, a QR code and a cut.
type PrintTestSlipStep struct {
	Title   string   `yaml:"title" doc:"the heading, printed double size (default 自检 SELF TEST)"`
	Lines   []string `yaml:"lines" doc:"more lines after the heading, e.g. the unit's serial number"`
	Barcode string   `yaml:"barcode" doc:"CODE128 content (default HWCHECK-0001)"`
	QR      string   `yaml:"qr" doc:"QR code content (default https://posemu.example/hwcheck)"`
	Cut     *bool    `yaml:"cut" doc:"feed and cut at the end (default true)"`
	Timeout Duration `yaml:"timeout" doc:"how long the job may take (default 10s)"`
}

// AttachStep keeps a picture of a device for the run's record.
type AttachStep struct {
	What string `yaml:"what" required:"true" shorthand:"true" doc:"screen (the operator display) or receipt (the last receipt since tear_off)"`
	Name string `yaml:"name" doc:"file name in the record (default screen.png or receipt.png)"`
}

// Validate checks what.
func (s *AttachStep) Validate() error {
	if err := oneOf("what", s.What, "screen", "receipt"); err != nil {
		return err
	}
	if s.Name != "" && (strings.ContainsAny(s.Name, `/\`) || strings.HasPrefix(s.Name, ".")) {
		return fmt.Errorf("name %q: a plain file name, such as lcd-pattern.png", s.Name)
	}
	return nil
}

func init() {
	info := func(r *Run, s *ExpectLCDInfoStep) error {
		var in lcd.Info
		if err := r.App().LCD(func(d *lcd.Display) (err error) { in, err = d.Info(); return err }); err != nil {
			return err
		}
		seen := fmt.Sprintf("info: %dx%d, %d bpp, protocol %d, firmware %q", in.Width, in.Height, in.Depth, in.Protocol, in.Firmware)
		switch {
		case s.Width > 0 && in.Width != s.Width, s.Height > 0 && in.Height != s.Height:
			return r.Failf(seen, "the display is %dx%d, not %dx%d", in.Width, in.Height, s.Width, s.Height)
		case s.Depth > 0 && in.Depth != s.Depth:
			return r.Failf(seen, "the display has %d bits per pixel, not %d", in.Depth, s.Depth)
		case !strings.Contains(in.Firmware, s.Firmware):
			return r.Failf(seen, "the firmware %q does not contain %q", in.Firmware, s.Firmware)
		}
		r.Logf("%s", seen)
		return nil
	}
	Register(Def[ExpectLCDInfoStep]{
		Name: "expect_lcd_info", Area: "display",
		Summary:  "the operator display answers the info query (through drivers/lcd) with this size, depth and firmware",
		Example:  `- expect_lcd_info: {width: 320, height: 240, depth: 16}`,
		Emulator: info, Physical: info,
	})
	Register(Def[ExpectScreenFillStep]{
		Name: "expect_screen_fill", Area: "display",
		Summary:  "every pixel of the operator display has this colour (after lcd_clear: every pixel on, every pixel off)",
		Example:  `- expect_screen_fill: black`,
		Hardware: "asks the operator whether every pixel has the colour (y/n)",
		Emulator: expectScreenFill,
		Physical: func(r *Run, s *ExpectScreenFillStep) error {
			return r.AskCheck(fmt.Sprintf("Is every pixel of the operator screen %s, with no dot of another colour?", colorName(s.Color.Value)))
		},
	})
	portStep := func(r *Run, s *DeviceStep) error { return r.expectPort(s.Device) }
	Register(Def[DeviceStep]{
		Name: "expect_port", Area: "devices",
		Summary:  "the device's port opens (the cable, the adapter and the device's end of it are there)",
		Example:  `- expect_port: keypad`,
		Emulator: portStep, Physical: portStep,
	})
	Register(Def[ExpectUSBPrinterStep]{
		Name: "expect_usb_printer", Area: "usb",
		Summary:  "the USB printer (usb-printer) opens, with this vendor and product id and IEEE 1284 device ID",
		Example:  `- expect_usb_printer: {vid: 0x04b8, pid: 0x0202, device_id: "MFG:EPSON"}`,
		Emulator: expectUSBPrinter, Physical: expectUSBPrinter,
	})
	Register(Def[PrintTestSlipStep]{
		Name: "print_test_slip", Area: "printer",
		Summary:  "the terminal prints a test slip through drivers/printer: every style, Chinese, columns, a CODE128 barcode, a QR code, a cut",
		Example:  `- print_test_slip: {lines: ["SN 0001"]}`,
		Emulator: printTestSlip, Physical: printTestSlip,
	})
	Register(Def[AttachStep]{
		Name: "attach", Area: "measurements",
		Summary:  "keep a PNG of the operator display or of the last receipt in the run's record (hwcheck writes it beside the report)",
		Example:  `- attach: {what: receipt, name: test-slip.png}`,
		Hardware: "attaches nothing (a physical terminal's screen and paper cannot be read back) and says so in the log",
		Emulator: attach,
		Physical: func(r *Run, s *AttachStep) error {
			r.Logf("attach %s: nothing to attach on a physical terminal", s.What)
			return nil
		},
	})
}

// stepDevices are devices steps use without naming them in a Device key
// (usesDevice: the emulator target starts USB/IP for them).
var stepDevices = map[string][]string{
	"expect_usb_printer":      {DevUSBPrinter},
	"measure_usb_enumeration": {DevUSBPrinter},
}

func colorName(c lcd.Color) string {
	for n, v := range colorNames {
		if v == c && n != "grey" {
			return n
		}
	}
	return fmt.Sprintf("#%04X (RGB565)", uint16(c))
}

func expectScreenFill(r *Run, s *ExpectScreenFillStep) error {
	m := r.Emulator().LCD()
	want := s.Color.Value
	return r.Await(r.Timeout(s.Timeout), "every pixel of the screen to be "+colorName(want), func() (bool, string) {
		img := m.Snapshot()
		b := img.Bounds()
		wrong, first := 0, image.Point{-1, -1}
		var firstColor lcd.Color
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if c := lcd.ColorOf(img.At(x, y)); c != want {
					if wrong == 0 {
						first, firstColor = image.Pt(x, y), c
					}
					wrong++
				}
			}
		}
		if wrong == 0 {
			return true, ""
		}
		return false, fmt.Sprintf("%d of %d pixels are not %s; the first at (%d,%d) is %s",
			wrong, b.Dx()*b.Dy(), colorName(want), first.X, first.Y, colorName(firstColor))
	})
}

// isOpen reports whether the app holds device's port (a second open of a
// serial line is refused: TIOCEXCL).
func (a *App) isOpen(device string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch device {
	case DevKeypad:
		return a.keypad != nil
	case DevScanner:
		return a.scanner != nil
	case DevLCD:
		return a.lcdPort != nil
	case DevCustDisplay:
		return a.custPort != nil
	case DevPrinter, DevUSBPrinter:
		if ap := a.printers[device]; ap != nil && ap.port != nil {
			return true
		}
		return device == DevPrinter && a.prnPort != nil
	}
	return false
}

func (r *Run) expectPort(device string) error {
	app := r.App()
	if app == nil {
		return errors.New("this target has no terminal-side drivers")
	}
	if app.isOpen(device) {
		r.Logf("the %s's port is open", device)
		return nil
	}
	addr, err := app.Address(device)
	if err != nil {
		return err
	}
	p, err := port.Open(addr)
	if err != nil {
		return r.Failf("", "the %s's port does not open: %v", device, err)
	}
	r.Logf("the %s's port %s opens", device, addr)
	return ignoreClosed(p.Close())
}

func expectUSBPrinter(r *Run, s *ExpectUSBPrinterStep) error {
	p, _, err := r.openUSBPrinter()
	if err != nil {
		return err
	}
	defer p.Close()
	dev, pi := p.USB()
	in := dev.Info()
	ctx, cancel := context.WithTimeout(r.Context(), sampleTimeout)
	defer cancel()
	id, err := usb.DeviceID(ctx, dev, pi)
	if err != nil {
		return r.Failf(fmt.Sprintf("device %s %q %q", in.ID(), in.Manufacturer, in.Product), "reading the device ID: %v", err)
	}
	seen := fmt.Sprintf("device %s (%s %s, serial %q), device ID %q", in.ID(), in.Manufacturer, in.Product, in.Serial, id)
	switch {
	case s.VID != nil && int(in.VendorID) != *s.VID:
		return r.Failf(seen, "vendor id %04x, not %04x", in.VendorID, *s.VID)
	case s.PID != nil && int(in.ProductID) != *s.PID:
		return r.Failf(seen, "product id %04x, not %04x", in.ProductID, *s.PID)
	case !strings.Contains(id, s.DeviceID):
		return r.Failf(seen, "the device ID does not contain %q", s.DeviceID)
	}
	if s.Ready != nil {
		st, err := usb.PortStatus(ctx, dev, pi)
		if err != nil {
			return r.Failf(seen, "%v", err)
		}
		ready := st&usb.PortSelected != 0 && st&usb.PortNoError != 0 && st&usb.PortPaperEmpty == 0
		if ready != *s.Ready {
			return r.Failf(fmt.Sprintf("%s; GET_PORT_STATUS 0x%02X", seen, st), "the printer reports ready=%t over USB", ready)
		}
	}
	r.Logf("%s", seen)
	return nil
}

func printTestSlip(r *Run, s *PrintTestSlipStep) error {
	pp := r.Profile().Printer
	doc := printer.NewDocument(printer.Paper{Dots: pp.Dots, Columns: pp.Columns})
	title := or(s.Title, "自检 SELF TEST")
	doc.Text(title, printer.DoubleSize, printer.Centered, printer.Bold)
	for _, l := range s.Lines {
		doc.Text(l, printer.Centered)
	}
	doc.Rule().
		Text("ABCDEFGHIJKLMNOPQRSTUVWXYZ").
		Text("abcdefghijklmnopqrstuvwxyz").
		Text("0123456789 !#$%&*+-/:;<=>?@").
		Text("Bold 粗体", printer.Bold).
		Text("Underline", printer.Underline).
		Text("Double width", printer.DoubleWidth).
		Text("Double height", printer.DoubleHeight).
		Text("Centred 居中", printer.Centered).
		Text("Right 右对齐", printer.RightAligned).
		Text("中文 收银打印测试 合计").
		Columns("金额 AMOUNT", "¥12.50").
		Rule().
		Barcode(printer.CODE128, or(s.Barcode, "HWCHECK-0001"), printer.Centered).
		QR(or(s.QR, "https://posemu.example/hwcheck"), 6, printer.ECMedium, printer.Centered).
		Text("END 结束", printer.Centered)
	if s.Cut == nil || *s.Cut {
		doc.Feed(3).Cut(printer.PartialCut)
	}
	timeout := 10 * time.Second
	if s.Timeout > 0 {
		timeout = s.Timeout.D()
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	return r.App().PrinterDriver(DevPrinter, func(ap *appPrinter) error {
		res, err := ap.drv.Print(ctx, doc)
		if err != nil {
			return err
		}
		r.Logf("test slip printed: %d segments, printer %s", res.Total, res.Status)
		return nil
	})
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func attach(r *Run, s *AttachStep) error {
	e := r.Emulator()
	switch s.What {
	case "screen":
		var buf bytes.Buffer
		if err := e.LCD().WritePNG(&buf); err != nil {
			return err
		}
		r.Attach(or(s.Name, "screen.png"), buf.Bytes())
	case "receipt":
		m := e.Printer()
		_, _, last := printed(m)
		if last == nil {
			return r.Failf("", "nothing was printed since the last tear_off: no receipt to attach")
		}
		b, err := m.PNG(last.ID)
		if err != nil {
			return err
		}
		r.Attach(or(s.Name, "receipt.png"), b)
	}
	return nil
}

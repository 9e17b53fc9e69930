package harness

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// usbPrinter is the printer's USB door, as the emulator names it.
const usbPrinter = emulator.USBPrinter

// PrintStep prints a slip through drivers/printer, as the terminal would:
// status first, then the slip in confirmed chunks.
type PrintStep struct {
	Lines     []string        `yaml:"lines" shorthand:"true" doc:"lines of plain text (Chinese is sent in GB18030)"`
	Doc       []DocItem       `yaml:"doc" doc:"the slip item by item: text (bold, underline, size, align), columns, rule, feed, barcode, qr, image, drawer, cut (see Printing a slip)"`
	Cut       bool            `yaml:"cut" doc:"feed and cut (partial) after the lines or doc"`
	Raw       string          `yaml:"raw" doc:"instead: bytes sent as they are, in hex (1B 40 …), past the driver: no status check"`
	Device    string          `yaml:"device" doc:"printer (default) or usb-printer"`
	Fails     string          `yaml:"fails" doc:"the print must fail so: paper_out, cover_open, cutter_error, offline, not_ready (any fault), no_response or disconnected"`
	Interrupt *PrintInterrupt `yaml:"interrupt" doc:"emulator: change the printer's state as the chunk carrying a line goes out (a fault mid-slip); resume_print finishes it"`
}

// PrintInterrupt is a fault that strikes while a slip is on its way.
type PrintInterrupt struct {
	At           string `yaml:"at" required:"true" doc:"text (ASCII) of a line of the slip: the fault strikes as the write carrying it goes to the printer"`
	PrinterState `yaml:",inline"`
}

var printFailures = map[string][]error{
	"paper_out": {printer.ErrPaperOut}, "cover_open": {printer.ErrCoverOpen}, "cutter_error": {printer.ErrCutterError},
	"offline": {printer.ErrOffline}, "not_ready": {printer.ErrNotReady}, "no_response": {printer.ErrNoResponse},
	// A port lost mid-job, or one that will not open: the cable is out.
	"disconnected": {port.ErrDisconnected, port.ErrNoDevice},
}

// failedSo reports whether err is the failure fails names.
func failedSo(err error, fails string) bool {
	for _, e := range printFailures[fails] {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func failureNames() []string {
	return []string{"paper_out", "cover_open", "cutter_error", "offline", "not_ready", "no_response", "disconnected"}
}

// Validate checks that there is one thing to print, and the names.
func (s *PrintStep) Validate() error {
	n := 0
	for _, set := range []bool{s.Lines != nil, s.Doc != nil, s.Raw != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errors.New("say what to print: lines, doc or raw (one of them)")
	}
	if s.Raw != "" {
		if _, err := rawBytes(s.Raw); err != nil {
			return err
		}
		if s.Cut || s.Interrupt != nil || s.Fails != "" {
			return errors.New("raw bytes go past the driver: no cut, interrupt or fails")
		}
	}
	if s.Interrupt != nil {
		for _, c := range s.Interrupt.At {
			if c < 0x20 || c > 0x7E {
				return fmt.Errorf("interrupt: at %q: use the ASCII part of a line (Chinese is sent in GB18030)", s.Interrupt.At)
			}
		}
	}
	if err := oneOf("device", s.Device, DevPrinter, usbPrinter); err != nil {
		return err
	}
	return oneOf("fails", s.Fails, failureNames()...)
}

func rawBytes(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, fmt.Errorf("raw %q: write bytes in hex, e.g. \"1B 40 48 49 0A\"", s)
	}
	return b, nil
}

// ResumePrintStep finishes the slip a fault stopped.
type ResumePrintStep struct {
	Mode   string `yaml:"mode" shorthand:"true" doc:"continue (default): send what was never sent, nothing twice; resend: also what was sent but not confirmed; reprint: the whole slip again; reprint_marked: again, headed 重打印 DUPLICATED"`
	Device string `yaml:"device" doc:"printer (default) or usb-printer"`
	Fails  string `yaml:"fails" doc:"the resume must fail so (the fault is still there): paper_out, cover_open, …"`
}

var resumeModes = map[string]printer.ResumeMode{
	"": printer.ContinueRemaining, "continue": printer.ContinueRemaining, "resend": printer.ResendUnconfirmed,
	"reprint": printer.ReprintWhole, "reprint_marked": printer.ReprintWhole | printer.MarkDuplicate,
}

// Validate checks the names.
func (s *ResumePrintStep) Validate() error {
	if err := oneOf("mode", s.Mode, "continue", "resend", "reprint", "reprint_marked"); err != nil {
		return err
	}
	if err := oneOf("device", s.Device, DevPrinter, usbPrinter); err != nil {
		return err
	}
	return oneOf("fails", s.Fails, failureNames()...)
}

func init() {
	Register(Def[PrintStep]{
		Name: "print", Area: "printer",
		Summary:  "the terminal prints a slip through drivers/printer (lines, or a laid-out doc), or raw bytes",
		Example:  `- print: {lines: ["POSEMU TEST", "合计 12.50"], cut: true}`,
		Hardware: "the same, through the drivers on the station's addresses (interrupt skips the scenario: it needs the emulator)",
		Emulator: printRun, Physical: printRun,
	})
	Register(Def[ResumePrintStep]{
		Name: "resume_print", Area: "printer",
		Summary:  "finish the slip a fault stopped (drivers/printer's Resume), once the printer is ready again",
		Example:  `- resume_print: continue`,
		Emulator: resumeRun, Physical: resumeRun,
	})
}

// document lays the step's slip out for the profile's paper.
func (s *PrintStep) document(r *Run, paper printer.Paper) (*printer.Document, error) {
	doc := printer.NewDocument(paper)
	for _, l := range s.Lines {
		doc.Text(l)
	}
	for i := range s.Doc {
		if err := s.Doc[i].add(doc, r); err != nil {
			return nil, fmt.Errorf("doc item %d: %w", i+1, err)
		}
	}
	if s.Cut {
		doc.Cut(printer.PartialCut)
	}
	return doc, doc.Err()
}

// marker is at as the bytes on the wire: ASCII as is (it is checked to
// be ASCII), so the hook can find it in a write.
func marker(at string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(at))
	if err != nil {
		return []byte(at)
	}
	return b
}

func printRun(r *Run, s *PrintStep) error {
	app := r.App()
	dev := printerDevice(s.Device)
	if s.Raw != "" {
		b, _ := rawBytes(s.Raw)
		return app.PrinterDriver(dev, func(ap *appPrinter) error {
			_, err := ap.hook.Write(b)
			return err
		})
	}
	if s.Interrupt != nil && r.Emulator() == nil {
		return &SkipError{Reason: fmt.Sprintf("%s: print with interrupt needs the emulator (a fault at a given line)", r.step.Where())}
	}
	doc, err := s.document(r, app.paper())
	if err != nil {
		return err
	}
	struck := false
	var printErr error
	var res printer.JobResult
	err = app.PrinterDriver(dev, func(ap *appPrinter) error {
		if in := s.Interrupt; in != nil {
			m := marker(in.At)
			ap.hook.setBefore(func(p []byte) {
				if !struck && bytes.Contains(p, m) {
					struck = true
					if err := setPrinter(r, &in.PrinterState); err != nil {
						r.Logf("interrupt: %v", err)
					}
				}
			})
			defer ap.hook.setBefore(nil)
		}
		ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
		defer cancel()
		res, printErr = ap.drv.Print(ctx, doc)
		var je *printer.JobError
		if errors.As(printErr, &je) {
			ap.job = je
		} else if printErr == nil {
			ap.job = nil
		}
		return ignoreExpected(printErr, s.Fails != "" || s.Interrupt != nil)
	})
	if err != nil {
		printErr = err // the port did not open
	}
	return checkPrint(r, "print", printErr, res, s.Fails, s.Interrupt != nil, struck)
}

// ignoreExpected keeps a print error that a step expects from being
// retried as a lost port: writeSide retries only disconnects.
func ignoreExpected(err error, expected bool) error {
	if expected {
		return nil
	}
	return err
}

// checkPrint compares how a print or resume went with what the step said.
func checkPrint(r *Run, what string, err error, res printer.JobResult, fails string, interrupted, struck bool) error {
	var je *printer.JobError
	progress := ""
	if errors.As(err, &je) {
		progress = fmt.Sprintf(" (segments printed %d, sent %d, of %d)", je.Printed, je.Sent, je.Total)
	}
	switch {
	case err == nil && interrupted && !struck:
		return fmt.Errorf("%s: the interrupt never struck: no write carried its text", what)
	case err == nil && (fails != "" || interrupted):
		why := fails
		if why == "" {
			why = "interrupted"
		}
		return r.Failf(fmt.Sprintf("printed %d of %d segments; status %s", res.Segments, res.Total, res.Status),
			"%s: expected it to fail (%s), it printed", what, why)
	case err == nil:
		r.Logf("%s: %d segments printed; status %s", what, res.Segments, res.Status)
		return nil
	case fails != "" && !failedSo(err, fails):
		return fmt.Errorf("%s: expected it to fail with %s, got: %w", what, fails, err)
	case fails == "" && !interrupted:
		return fmt.Errorf("%s: %w", what, err)
	}
	r.Logf("%s failed as expected%s: %v", what, progress, err)
	return nil
}

func resumeRun(r *Run, s *ResumePrintStep) error {
	dev := printerDevice(s.Device)
	var resErr error
	var res printer.JobResult
	err := r.App().PrinterDriver(dev, func(ap *appPrinter) error {
		if ap.job == nil {
			return errors.New("no print to resume: no print on the " + dev + " stopped part way")
		}
		ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
		defer cancel()
		res, resErr = ap.drv.Resume(ctx, ap.job, resumeModes[s.Mode])
		var je *printer.JobError
		if errors.As(resErr, &je) {
			ap.job = je
		} else if resErr == nil {
			ap.job = nil
		}
		return ignoreExpected(resErr, s.Fails != "")
	})
	if err != nil && resErr == nil {
		resErr = err
	}
	return checkPrint(r, "resume_print", resErr, res, s.Fails, false, false)
}

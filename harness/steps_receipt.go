package harness

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/printer"
)

// ExpectReceiptStep checks what was printed since the last tear-off: the
// lines of every receipt, oldest first (a merchant copy and a customer
// copy are read as one), the QR codes on them, whether the last was cut.
type ExpectReceiptStep struct {
	Contains    []string `yaml:"contains" doc:"lines of the receipt contain each of these"`
	InOrder     bool     `yaml:"in_order" doc:"the contains texts appear in this order"`
	NotContains []string `yaml:"not_contains" doc:"no line contains any of these"`
	Regex       Regexp   `yaml:"regex" doc:"a line matches this regular expression"`
	QR          string   `yaml:"qr" doc:"the receipt has a QR code with this content"`
	Cut         *bool    `yaml:"cut" doc:"the last receipt was cut off"`
	Golden      string   `yaml:"golden" doc:"PNG the last receipt must match, relative to this file"`
	Tolerance   Percent  `yaml:"tolerance" doc:"share of pixels that may differ from golden"`
	Timeout     Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step checks something.
func (s *ExpectReceiptStep) Validate() error {
	if len(s.Contains) == 0 && len(s.NotContains) == 0 && s.Regex.Re == nil && s.QR == "" && s.Cut == nil && s.Golden == "" {
		return errors.New("say what to expect: contains, not_contains, regex, qr, cut or golden")
	}
	if s.InOrder && len(s.Contains) < 2 {
		return errors.New("in_order needs at least two contains texts")
	}
	return nil
}

// ExpectNoReceiptStep checks that nothing is printed for a while.
type ExpectNoReceiptStep struct {
	For Duration `yaml:"for" shorthand:"true" doc:"how long to watch (default 2s)"`
}

func init() {
	Register(Def[ExpectReceiptStep]{
		Name: "expect_receipt", Area: "printer",
		Summary:  "what was printed since the last tear_off has these lines, QR code, cut or looks",
		Example:  `- expect_receipt: {contains: ["合计", "12.50"], in_order: true}`,
		Hardware: "asks the operator whether the receipt shows the texts",
		Emulator: expectReceipt,
		Physical: func(r *Run, s *ExpectReceiptStep) error {
			return r.AskCheck("Does the receipt show " + s.describe() + "?")
		},
	})
	Register(Def[ExpectNoReceiptStep]{
		Name: "expect_no_receipt", Area: "printer",
		Summary:       "nothing is printed for a while",
		Example:       `- expect_no_receipt: {for: 2s}`,
		Emulator:      expectNoReceipt,
		NotOnHardware: "watching for paper needs the printer model",
	})
	RegisterArtifacts(receiptArtifacts)
}

var printerPaper = map[string]string{"ok": printer.PaperOK, "near_end": printer.PaperNearEnd, "out": printer.PaperOut}

func setPrinter(r *Run, s *PrinterState) error {
	m := r.Emulator().Printer()
	if s.Paper != "" {
		if err := m.SetPaper(printerPaper[s.Paper]); err != nil {
			return err
		}
	}
	if s.Cover != "" {
		m.SetCover(s.Cover == "open")
	}
	if s.Cutter != "" {
		m.SetCutterJammed(s.Cutter == "jammed")
	}
	return nil
}

// printed is the text of every receipt since the last tear-off.
func printed(m *printer.Model) (lines, qr []string, last *printer.Receipt) {
	rs := m.Receipts()
	for i := range rs {
		lines = append(lines, rs[i].Text()...)
		qr = append(qr, rs[i].QR...)
	}
	if len(rs) > 0 {
		last = &rs[len(rs)-1]
	}
	return lines, qr, last
}

func expectReceipt(r *Run, s *ExpectReceiptStep) error {
	m := r.Emulator().Printer()
	if s.Golden != "" {
		err := r.MatchGolden(s.Golden, s.Tolerance, r.Timeout(s.Timeout), "the receipt", func() image.Image {
			if _, _, last := printed(m); last != nil {
				if img, err := m.Raster(last.ID); err == nil {
					return img
				}
			}
			return image.NewGray(image.Rect(0, 0, 0, 0))
		}, func() string { lines, _, _ := printed(m); return quoteLines("receipt text", lines) })
		if err != nil {
			return err
		}
	}
	return r.Await(r.Timeout(s.Timeout), "the receipt to show "+s.describe(), func() (bool, string) {
		lines, qr, last := printed(m)
		seen := quoteLines("receipt", lines)
		if len(qr) > 0 {
			seen += fmt.Sprintf("\nQR codes: %q", qr)
		}
		if last != nil {
			seen += fmt.Sprintf("\nlast receipt: cut %q", last.Cut)
		}
		return s.matches(lines, qr, last), seen
	})
}

func (s *ExpectReceiptStep) matches(lines, qr []string, last *printer.Receipt) bool {
	from := 0
	for _, want := range s.Contains {
		i := slices.IndexFunc(lines[from:], func(l string) bool { return strings.Contains(l, want) })
		if i < 0 {
			return false
		}
		if s.InOrder {
			from += i
		}
	}
	for _, bad := range s.NotContains {
		if slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, bad) }) {
			return false
		}
	}
	switch {
	case s.Regex.Re != nil && !slices.ContainsFunc(lines, s.Regex.MatchString):
		return false
	case s.QR != "" && !slices.Contains(qr, s.QR):
		return false
	case s.Cut != nil && (last == nil || (last.Cut != printer.CutNone) != *s.Cut):
		return false
	}
	return true
}

func (s *ExpectReceiptStep) describe() string {
	var parts []string
	if len(s.Contains) > 0 {
		order := ""
		if s.InOrder {
			order = " in this order"
		}
		parts = append(parts, fmt.Sprintf("lines containing %s%s", strings.Join(quoteAll(s.Contains), ", "), order))
	}
	if len(s.NotContains) > 0 {
		parts = append(parts, "no line containing "+strings.Join(quoteAll(s.NotContains), " or "))
	}
	if s.Regex.Re != nil {
		parts = append(parts, fmt.Sprintf("a line matching /%s/", s.Regex.Source))
	}
	if s.QR != "" {
		parts = append(parts, fmt.Sprintf("a QR code of %q", s.QR))
	}
	if s.Cut != nil {
		parts = append(parts, map[bool]string{true: "the last one cut", false: "the last one not cut"}[*s.Cut])
	}
	if len(parts) == 0 {
		return "the golden image"
	}
	return strings.Join(parts, ", ")
}

func expectNoReceipt(r *Run, s *ExpectNoReceiptStep) error {
	m := r.Emulator().Printer()
	count := func() (int, int) {
		rs := m.Receipts()
		n := 0
		for _, rc := range rs {
			n += len(rc.Lines) + len(rc.QR) + len(rc.Barcodes) + len(rc.Images)
		}
		return len(rs), n
	}
	receipts, marks := count()
	d := s.For.D()
	if d == 0 {
		d = 2 * time.Second
	}
	return r.Hold(d, "something was printed", func() (bool, string) {
		nr, nm := count()
		if nr == receipts && nm == marks {
			return false, ""
		}
		lines, _, _ := printed(m)
		return true, quoteLines("receipt", lines)
	})
}

// receiptArtifacts adds the last receipt, as a PNG and as text, to a
// failed scenario's report.
func receiptArtifacts(e *emulator.Emulator, dir string) []Artifact {
	m := e.Printer()
	lines, _, last := printed(m)
	if last == nil {
		return nil
	}
	out := []Artifact{{Name: "receipt text", Text: strings.Join(lines, "\n")}}
	if b, err := m.PNG(last.ID); err == nil && isPNG(b) {
		path := filepath.Join(dir, "receipt.png")
		if os.WriteFile(path, b, 0o644) == nil {
			out = append([]Artifact{{Name: "receipt.png", Path: path}}, out...)
		}
	}
	return out
}

func isPNG(b []byte) bool {
	_, err := png.DecodeConfig(bytes.NewReader(b))
	return err == nil
}

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
	Contains    []string  `yaml:"contains" doc:"lines of the receipt contain each of these"`
	InOrder     bool      `yaml:"in_order" doc:"the contains texts appear in this order"`
	NotContains []string  `yaml:"not_contains" doc:"no line contains any of these"`
	Regex       Regexp    `yaml:"regex" doc:"a line matches this regular expression"`
	QR          string    `yaml:"qr" doc:"the receipt has a QR code with this content"`
	Cut         *bool     `yaml:"cut" doc:"the last receipt was cut off"`
	Golden      string    `yaml:"golden" doc:"PNG the last receipt must match, relative to this file"`
	Tolerance   Percent   `yaml:"tolerance" doc:"share of pixels that may differ from golden"`
	Lines       []string  `yaml:"lines" doc:"the lines printed are exactly these, in order (runs of blanks count as one)"`
	Once        []string  `yaml:"once" doc:"each of these is on exactly one line: nothing lost, nothing printed twice"`
	Line        *LineLook `yaml:"line" doc:"a line containing a text looks so: bold, underline, inverse, size, align"`
	Barcode     string    `yaml:"barcode" doc:"the receipt has a barcode with this content"`
	BarcodeType string    `yaml:"barcode_type" doc:"… of this type, as the printer names it (CODE128, EAN13, …)"`
	Images      *int      `yaml:"images" doc:"how many bit images were printed (drivers/printer sends an image in bands of up to 24 dots, one each)"`
	Receipts    *int      `yaml:"receipts" doc:"how many pieces of paper: receipts cut off, and the one in the printer if printed on"`
	Timeout     Duration  `yaml:"timeout" doc:"how long to wait"`
}

// LineLook is how one printed line looks.
type LineLook struct {
	Contains  string `yaml:"contains" required:"true" shorthand:"true" doc:"the line contains this text"`
	Bold      *bool  `yaml:"bold" doc:"emphasised"`
	Underline *bool  `yaml:"underline" doc:"underlined"`
	Inverse   *bool  `yaml:"inverse" doc:"white on black"`
	Size      string `yaml:"size" doc:"character size WxH, e.g. 2x2"`
	Align     string `yaml:"align" doc:"left, center or right"`
}

// Validate checks the values.
func (l *LineLook) Validate() error {
	if l.Size != "" && !sizeRe.MatchString(l.Size) {
		return fmt.Errorf("size %q: write WxH, 1–8 each, e.g. 2x2", l.Size)
	}
	return oneOf("align", l.Align, "left", "center", "right")
}

func (l *LineLook) matches(ln printer.Line) bool {
	switch {
	case !strings.Contains(ln.Text, l.Contains),
		l.Bold != nil && ln.Bold != *l.Bold,
		l.Underline != nil && ln.Underline != *l.Underline,
		l.Inverse != nil && ln.Inverse != *l.Inverse,
		l.Size != "" && fmt.Sprintf("%dx%d", ln.Width, ln.Height) != l.Size,
		l.Align != "" && ln.Align != l.Align:
		return false
	}
	return true
}

func (l *LineLook) describe() string {
	s := fmt.Sprintf("the line with %q", l.Contains)
	for _, kv := range []struct {
		k string
		v *bool
	}{{"bold", l.Bold}, {"underlined", l.Underline}, {"inverse", l.Inverse}} {
		if kv.v != nil {
			s += map[bool]string{true: " ", false: " not "}[*kv.v] + kv.k
		}
	}
	if l.Size != "" {
		s += " size " + l.Size
	}
	if l.Align != "" {
		s += " aligned " + l.Align
	}
	return s
}

// Validate checks that the step checks something.
func (s *ExpectReceiptStep) Validate() error {
	if len(s.Contains) == 0 && len(s.NotContains) == 0 && s.Regex.Re == nil && s.QR == "" && s.Cut == nil && s.Golden == "" &&
		s.Lines == nil && s.Once == nil && s.Line == nil && s.Barcode == "" && s.Images == nil && s.Receipts == nil {
		return errors.New("say what to expect: contains, not_contains, regex, qr, cut, golden, lines, once, line, barcode, images or receipts")
	}
	if s.BarcodeType != "" && s.Barcode == "" {
		return errors.New("barcode_type goes with barcode")
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
	if s.Drawer != "" {
		m.SetDrawerOpen(s.Drawer == "open")
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
		rs := m.Receipts()
		seen := quoteLines("receipt", lines)
		if len(qr) > 0 {
			seen += fmt.Sprintf("\nQR codes: %q", qr)
		}
		var bcs []string
		images := 0
		for _, rc := range rs {
			for _, b := range rc.Barcodes {
				bcs = append(bcs, b.Type+" "+b.Data)
			}
			images += len(rc.Images)
		}
		if len(bcs) > 0 {
			seen += fmt.Sprintf("\nbarcodes: %q", bcs)
		}
		if images > 0 {
			seen += fmt.Sprintf("\nimages: %d", images)
		}
		if last != nil {
			seen += fmt.Sprintf("\nlast receipt: cut %q", last.Cut)
			if len(rs) > 1 {
				seen += fmt.Sprintf(" (%d receipts)", len(rs))
			}
		}
		return s.matches(lines, qr, last) && s.matchesMore(lines, rs, images), seen
	})
}

// normalised is a line as a reader compares it: runs of blanks as one.
func normalised(l string) string { return strings.Join(strings.Fields(l), " ") }

// matchesMore checks what needs the receipts themselves.
func (s *ExpectReceiptStep) matchesMore(lines []string, rs []printer.Receipt, images int) bool {
	if s.Lines != nil {
		if len(lines) != len(s.Lines) {
			return false
		}
		for i := range lines {
			if normalised(lines[i]) != normalised(s.Lines[i]) {
				return false
			}
		}
	}
	for _, once := range s.Once {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, once) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	found := func(f func(rc printer.Receipt) bool) bool { return slices.ContainsFunc(rs, f) }
	switch {
	case s.Line != nil && !found(func(rc printer.Receipt) bool { return slices.ContainsFunc(rc.Lines, s.Line.matches) }),
		s.Barcode != "" && !found(func(rc printer.Receipt) bool {
			return slices.ContainsFunc(rc.Barcodes, func(b printer.Barcode) bool {
				return b.Data == s.Barcode && (s.BarcodeType == "" || strings.EqualFold(b.Type, s.BarcodeType))
			})
		}),
		s.Images != nil && images != *s.Images,
		s.Receipts != nil && len(rs) != *s.Receipts:
		return false
	}
	return true
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
	if s.Lines != nil {
		parts = append(parts, fmt.Sprintf("exactly the lines %s", strings.Join(quoteAll(s.Lines), ", ")))
	}
	if len(s.Once) > 0 {
		parts = append(parts, fmt.Sprintf("each of %s on exactly one line", strings.Join(quoteAll(s.Once), ", ")))
	}
	if s.Line != nil {
		parts = append(parts, s.Line.describe())
	}
	if s.Barcode != "" {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("a %s barcode of %q", s.BarcodeType, s.Barcode)))
	}
	if s.Images != nil {
		parts = append(parts, fmt.Sprintf("%d images", *s.Images))
	}
	if s.Receipts != nil {
		parts = append(parts, fmt.Sprintf("%d receipts", *s.Receipts))
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

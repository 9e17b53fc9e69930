package printer

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Cut kinds, as Receipt.Cut reports them.
const (
	CutFull     = "full"
	CutPartial  = "partial"
	CutOverflow = "overflow" // the receipt reached Options.MaxReceiptDots uncut
	CutNone     = ""         // the paper still in the printer
)

// Receipt is one piece of paper: the receipts that were cut off the roll,
// and the one still in the printer (Cut "").
type Receipt struct {
	ID int `json:"id"`
	// Time is when the receipt was cut; for the one in the printer, when
	// printing on it began.
	Time     time.Time `json:"time"`
	Cut      string    `json:"cut"`
	Width    int       `json:"width"`  // dots
	Height   int       `json:"height"` // dots of paper, feeds included
	Lines    []Line    `json:"lines"`
	QR       []string  `json:"qr"`
	Barcodes []Barcode `json:"barcodes"`
	Images   []Image   `json:"images"`
}

// Text returns the receipt's text lines.
func (r Receipt) Text() []string {
	out := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = l.Text
	}
	return out
}

// Line is one printed line of text. A line whose characters differ in
// style has one Span per style; its own Width and Height are the largest,
// and Bold, Underline and Inverse hold when every non-blank character has
// them.
type Line struct {
	Y         int    `json:"y"` // top, in dots from the top of the receipt
	Text      string `json:"text"`
	Align     string `json:"align"`  // left, center or right
	Width     int    `json:"width"`  // character width multiplier, 1–8
	Height    int    `json:"height"` // character height multiplier, 1–8
	Bold      bool   `json:"bold"`
	Underline bool   `json:"underline"`
	Inverse   bool   `json:"inverse"`
	Spans     []Span `json:"spans,omitempty"`
}

// Span is a stretch of a line in one style.
type Span struct {
	Text      string `json:"text"`
	Font      string `json:"font"` // A, B, or GB for 2-byte characters
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Bold      bool   `json:"bold"`
	Underline int    `json:"underline"` // dots, 0–2
	Inverse   bool   `json:"inverse"`
}

// Barcode is a printed barcode: its symbology, its payload as the reader
// would return it, and the bytes the host sent.
type Barcode struct {
	Y    int    `json:"y"`
	Type string `json:"type"`
	Data string `json:"data"`
	Raw  string `json:"raw,omitempty"` // when it differs from Data (CODE128 code set selectors)
	// Clipped is set when the barcode is wider than the print area: its
	// right end is cut off, so a reader would not scan it.
	Clipped bool `json:"clipped,omitempty"`
}

// Image is a printed bit image.
type Image struct {
	Y      int    `json:"y"`
	X      int    `json:"x"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Kind   string `json:"kind"` // raster (GS v 0, GS ( L) or column (ESC *)
}

// roll is the model's own record of one receipt: pools the lines and runs
// point into, so printing a line costs appends, not allocations.
type roll struct {
	id       int
	time     time.Time
	cut      string
	height   int32
	text     []byte
	runs     []run
	lines    []lineRec
	img      []byte
	bands    []band
	qr       []string
	barcodes []Barcode
	images   []Image
	extra    int    // cost of what the pools do not show (barcode patterns, QR modules)
	png      []byte // encoded once cut
}

func (r *roll) cost() int {
	return len(r.text) + 40*len(r.runs) + 48*len(r.lines) + len(r.img) + 96*len(r.bands) + r.extra
}

func (r *roll) empty() bool { return r.height == 0 && len(r.lines) == 0 && len(r.bands) == 0 }

// newRoll starts the next receipt, on the pools of the last one evicted
// if there is one: a printer printing for days keeps reusing the same
// memory.
func (m *Model) newRoll() *roll {
	r := &roll{id: m.next}
	m.next++
	if s := m.spare; s != nil {
		m.spare = nil
		clear(s.bands) // they hold slices
		r.text, r.runs, r.lines, r.img, r.bands = s.text[:0], s.runs[:0], s.lines[:0], s.img[:0], s.bands[:0]
		r.qr, r.barcodes, r.images = s.qr[:0], s.barcodes[:0], s.images[:0]
	}
	return r
}

// touch notes that something reached the paper: the first time stamps
// the receipt (reading the clock for every line would cost more than
// printing it).
func (m *Model) touch() {
	if m.roll.time.IsZero() {
		m.roll.time = m.opts.Clock.Now()
	}
}

// fit makes room for h more dots of paper on the current receipt: one
// that would grow past MaxReceiptDots is closed first.
func (m *Model) fit(h int32) {
	r := m.roll
	if (r.height+h > int32(m.opts.MaxReceiptDots) || r.cost() > maxReceiptCost) && !r.empty() {
		m.cut(CutOverflow)
	}
}

// room is how many dots the current receipt can still take.
func (m *Model) room() int32 { return max(int32(m.opts.MaxReceiptDots)-m.roll.height, 0) }

// advance feeds paper.
func (m *Model) advance(h int32) {
	if h <= 0 {
		return
	}
	m.fit(h)
	m.roll.height = min(m.roll.height+h, int32(m.opts.MaxReceiptDots))
	m.touch()
}

// cut ends the current receipt. A cut with nothing printed or fed since
// the last one makes no receipt, as nothing falls out of the printer.
func (m *Model) cut(kind string) {
	r := m.roll
	if r.empty() {
		return
	}
	r.cut = kind
	r.time = m.opts.Clock.Now()
	m.done = append(m.done, r)
	m.kept += r.cost()
	m.stats.Receipts++
	m.roll = m.newRoll()
	if m.roll.text == nil {
		// Slips tend to look alike: the next one's pools start the size
		// of this one's, so printing it does not regrow them line by line.
		m.roll.text = make([]byte, 0, len(r.text))
		m.roll.runs = make([]run, 0, len(r.runs))
		m.roll.lines = make([]lineRec, 0, len(r.lines))
	}
	m.publish("receipt", func() map[string]any {
		return map[string]any{"id": r.id, "lines": len(r.lines), "cut": kind, "qr": len(r.qr), "barcodes": len(r.barcodes)}
	})
	for len(m.done) > 1 && (len(m.done) > m.opts.MaxReceipts || m.kept > m.opts.MaxKeptBytes) {
		m.kept -= m.done[0].cost()
		m.spare = m.done[0]
		copy(m.done, m.done[1:])
		m.done[len(m.done)-1] = nil
		m.done = m.done[:len(m.done)-1]
		m.stats.Evicted++
	}
}

// TearOff tears the printed paper off: every receipt, and what has been
// printed so far of the one in the printer. The line being composed and
// every setting stay, as they are in the printer's memory, not on paper.
func (m *Model) TearOff() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done = nil
	m.kept = 0
	if !m.roll.empty() {
		m.roll = m.newRoll()
	}
}

// Receipts returns the cut receipts, oldest first, followed by the one in
// the printer if anything has been printed on it.
func (m *Model) Receipts() []Receipt {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Receipt, 0, len(m.done)+1)
	for _, r := range m.done {
		out = append(out, m.receipt(r))
	}
	if !m.roll.empty() {
		out = append(out, m.receipt(m.roll))
	}
	return out
}

// Receipt returns one receipt by ID; the one in the printer counts, even
// when blank.
func (m *Model) Receipt(id int) (Receipt, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.find(id)
	if r == nil {
		return Receipt{}, false
	}
	return m.receipt(r), true
}

// Current returns the receipt in the printer.
func (m *Model) Current() Receipt {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.receipt(m.roll)
}

func (m *Model) find(id int) *roll {
	if id == m.roll.id {
		return m.roll
	}
	for _, r := range m.done {
		if r.id == id {
			return r
		}
	}
	return nil
}

// receipt builds the structured text form of r.
func (m *Model) receipt(r *roll) Receipt {
	out := Receipt{
		ID: r.id, Time: r.time, Cut: r.cut, Width: m.profile.Dots, Height: int(r.height),
		Lines:    make([]Line, 0, len(r.lines)),
		QR:       append([]string{}, r.qr...),
		Barcodes: append([]Barcode{}, r.barcodes...),
		Images:   append([]Image{}, r.images...),
	}
	for i := range r.lines {
		if r.lines[i].imgOnly {
			continue
		}
		out.Lines = append(out.Lines, r.line(&r.lines[i]))
	}
	return out
}

var alignNames = [3]string{"left", "center", "right"}

// line spells one line: text runs joined, with a gap that a tab or an
// absolute position left shown as spaces of the font A width.
func (r *roll) line(l *lineRec) Line {
	out := Line{Y: int(l.y), Align: alignNames[l.align]}
	var b strings.Builder
	end := int32(0)
	allBold, allUL, allInv, inked := true, true, true, false
	for i := l.r0; i < l.r1; i++ {
		u := &r.runs[i]
		if u.kind == runImage {
			continue
		}
		if gap := u.x - end; gap > 0 {
			n := int((gap + cellA/2) / cellA)
			b.WriteString(strings.Repeat(" ", max(n, 1)))
		}
		end = u.x + u.n*u.adv
		t := string(r.text[u.t0:u.t1])
		b.WriteString(t)
		sp := Span{Text: t, Font: fontNames[u.font], Width: int(u.w), Height: int(u.h), Bold: u.bold, Underline: int(u.ul), Inverse: u.inv}
		out.Spans = append(out.Spans, sp)
		if strings.TrimSpace(t) == "" {
			continue
		}
		inked = true
		out.Width, out.Height = max(out.Width, sp.Width), max(out.Height, sp.Height)
		allBold = allBold && u.bold
		allUL = allUL && u.ul > 0
		allInv = allInv && u.inv
	}
	out.Text = strings.TrimRight(b.String(), " ")
	if inked {
		out.Bold, out.Underline, out.Inverse = allBold, allUL, allInv
	}
	if out.Width == 0 {
		out.Width, out.Height = 1, 1
		for _, sp := range out.Spans {
			out.Width, out.Height = max(out.Width, sp.Width), max(out.Height, sp.Height)
		}
	}
	if len(out.Spans) == 1 {
		out.Spans = nil
	}
	return out
}

var fontNames = [3]string{"A", "B", "GB"}

// appendRune appends r's UTF-8 to p.
func appendRune(p []byte, r rune) []byte { return utf8.AppendRune(p, r) }

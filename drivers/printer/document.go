package printer

import (
	"fmt"
	"strings"
)

// Kind says what a segment prints.
type Kind int

// Kinds of segment.
const (
	KindText    Kind = iota // one line of text, LF-terminated
	KindFeed                // blank paper (ESC d n)
	KindImage               // one band of a raster image, up to 24 dots high
	KindBarcode             // a 1D barcode with its human-readable line
	KindQR                  // a QR code
	KindCut                 // feed to the cutter and cut
	KindDrawer              // a cash drawer pulse: prints nothing
)

var kindNames = [...]string{"text", "feed", "image", "barcode", "qr", "cut", "drawer"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Segment is the unit of progress of a print job: one printed line of
// text, one band of an image, one barcode, one QR code, a feed, a cut or a
// drawer pulse. The driver confirms segments, never parts of one, so a
// resumed job restarts at a segment boundary.
type Segment struct {
	Kind Kind
	// Text is the line as it prints (after wrapping and after the
	// substitutions that the 2-byte GB encoding needs, e.g. ¥ → ￥), or the
	// payload of a barcode or QR code; empty for the other kinds.
	Text  string
	style Style
	body  []byte
}

// Document is a slip under construction. Builder methods return the
// document for chaining; the first invalid argument is kept and returned
// by Err, Bytes and Printer.Print, and later calls are ignored.
type Document struct {
	paper Paper
	segs  []Segment
	err   error
	enc   *gbEncoder
}

// NewDocument starts an empty slip for paper (Paper58, Paper80, or any
// Paper{Dots, Columns}).
func NewDocument(p Paper) *Document {
	if p.Dots <= 0 {
		p.Dots = Paper58.Dots
	}
	if p.Columns <= 0 {
		p.Columns = p.Dots / 12
	}
	return &Document{paper: p, enc: newGBEncoder()}
}

// Paper is the paper the document is laid out for.
func (d *Document) Paper() Paper { return d.paper }

// Err is the first invalid argument given to a builder method, or nil.
func (d *Document) Err() error { return d.err }

// Len is the number of segments.
func (d *Document) Len() int { return len(d.segs) }

// Segments returns the document's segments in print order.
func (d *Document) Segments() []Segment { return append([]Segment(nil), d.segs...) }

// Lines returns the text of the text segments, in order: what a reader of
// the slip sees, without images and codes.
func (d *Document) Lines() []string {
	var out []string
	for _, s := range d.segs {
		if s.Kind == KindText {
			out = append(out, s.Text)
		}
	}
	return out
}

func (d *Document) fail(format string, args ...any) *Document {
	if d.err == nil {
		d.err = fmt.Errorf("printer: document: "+format+": %w", append(args, ErrInvalid)...)
	}
	return d
}

func (d *Document) add(s Segment) *Document {
	if d.err == nil {
		d.segs = append(d.segs, s)
	}
	return d
}

// columns is the line width in characters at the style's width multiplier.
func (d *Document) columns(st Style) int {
	c := d.paper.Columns / st.Width
	if c < 2 {
		c = 2
	}
	return c
}

func (d *Document) textLine(gs []glyph, st Style) *Document {
	body := appendGlyphs(make([]byte, 0, len(gs)*2+5), gs)
	body = append(body, lf)
	return d.add(Segment{Kind: KindText, Text: textOf(gs), style: st, body: body})
}

// Text prints s, one segment per printed line: s is split at newlines and
// wrapped at the paper width (counting a Chinese character as two
// columns, and the width multiplier). Control characters are dropped.
func (d *Document) Text(s string, opts ...Option) *Document {
	st := styleOf(opts)
	width := d.columns(st)
	for _, para := range strings.Split(s, "\n") {
		for _, line := range wrap(d.enc.glyphs(strings.TrimSuffix(para, "\r")), width) {
			d.textLine(line, st)
		}
	}
	return d
}

// Columns prints a label on the left and a value on the right of one line:
// doc.Columns("金额 AMOUNT", "¥12.50"). When both do not fit with a space
// between them, the label gets its own line(s) and the value follows,
// right-aligned, on the next; the value is never cut.
func (d *Document) Columns(label, value string, opts ...Option) *Document {
	st := styleOf(opts)
	st.Align = Left // the padding does the alignment
	width := d.columns(st)
	l, r := d.enc.glyphs(label), d.enc.glyphs(value)
	lw, rw := widthOf(l), widthOf(r)
	if lw+1+rw <= width || (lw == 0 && rw <= width) {
		pad := width - lw - rw
		line := append(append(append([]glyph{}, l...), spaces(pad)...), r...)
		return d.textLine(line, st)
	}
	if lw > 0 {
		for _, line := range wrap(l, width) {
			d.textLine(line, st)
		}
	}
	for _, line := range wrap(r, width) {
		pad := width - widthOf(line)
		d.textLine(append(spaces(pad), line...), st)
	}
	return d
}

// Rule prints a line of dashes across the paper.
func (d *Document) Rule(opts ...Option) *Document {
	st := styleOf(opts)
	return d.textLine(d.enc.glyphs(strings.Repeat("-", d.columns(st))), st)
}

// Feed feeds n blank lines (ESC d n), 1–255.
func (d *Document) Feed(n int) *Document {
	if n < 1 || n > 255 {
		return d.fail("feed of %d lines (1–255)", n)
	}
	return d.add(Segment{Kind: KindFeed, body: []byte{esc, 'd', byte(n)}})
}

// CutKind chooses the cut.
type CutKind byte

// Cuts. Both feed the paper to the cutter first (GS V 65/66 0), so that
// the last line is above the blade rather than cut through.
const (
	PartialCut CutKind = 66
	FullCut    CutKind = 65
)

// Cut feeds the paper to the cutter and cuts.
func (d *Document) Cut(kind CutKind) *Document {
	if kind != PartialCut && kind != FullCut {
		return d.fail("cut kind %d", kind)
	}
	return d.add(Segment{Kind: KindCut, body: []byte{gs, 'V', byte(kind), 0}})
}

// Drawer pulses the cash drawer connector: pin 0 (connector pin 2) or 1
// (pin 5), 50 ms on, 500 ms off (ESC p m 25 250). A reprint of a whole
// slip (Resume with ReprintWhole) skips it: the drawer opens once.
func (d *Document) Drawer(pin int) *Document {
	if pin != 0 && pin != 1 {
		return d.fail("drawer pin %d (0 or 1)", pin)
	}
	return d.add(Segment{Kind: KindDrawer, body: []byte{esc, 'p', byte(pin), 25, 250}})
}

// Bytes is the whole slip as ESC/POS: ESC @, then every segment with the
// mode changes it needs.
func (d *Document) Bytes() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	var m mode
	return d.encode([]byte{esc, '@'}, &m, 0, len(d.segs)), nil
}

// encode appends segments [from, to), starting from printer mode cur.
func (d *Document) encode(dst []byte, cur *mode, from, to int) []byte {
	for _, s := range d.segs[from:to] {
		dst = appendMode(dst, cur, s.style, s.Kind == KindText)
		dst = append(dst, s.body...)
	}
	return dst
}

// encodedLen is the size of segments [from, to) on the wire, an upper
// bound (every mode command counted) used for flow control.
func (d *Document) encodedLen(from, to int) int {
	n := 0
	for _, s := range d.segs[from:to] {
		n += len(s.body) + 12
	}
	return n
}

// withMark returns a copy of d with mark lines printed first, centred and
// bold, and without drawer pulses: a reprint must not open the drawer.
func (d *Document) withMark(mark string) *Document {
	c := NewDocument(d.paper)
	if mark != "" {
		c.Text(mark, Bold, Centered)
	}
	for _, s := range d.segs {
		if s.Kind != KindDrawer {
			c.segs = append(c.segs, s)
		}
	}
	return c
}

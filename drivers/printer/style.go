package printer

// Paper is the printable width of a roll: the head's dots and how many
// font A (12×24) characters fit on a line.
type Paper struct {
	Dots    int
	Columns int
}

// The two common thermal roll widths.
var (
	Paper58 = Paper{Dots: 384, Columns: 32}
	Paper80 = Paper{Dots: 576, Columns: 48}
)

// Align is a line's justification (ESC a n).
type Align byte

// Justifications.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// Style is how a text line prints. The zero value is the printer's state
// after ESC @: font A, normal size, left-aligned, no emphasis.
type Style struct {
	Bold      bool
	Underline bool
	Width     int // character width multiplier 1–8 (GS !); 0 means 1
	Height    int // character height multiplier 1–8 (GS !); 0 means 1
	Align     Align
	Dither    bool // images only: Floyd–Steinberg instead of a threshold
}

func (s Style) norm() Style {
	s.Width = clampMul(s.Width)
	s.Height = clampMul(s.Height)
	if s.Align > Right {
		s.Align = Left
	}
	return s
}

func clampMul(n int) int {
	switch {
	case n < 1:
		return 1
	case n > 8:
		return 8
	}
	return n
}

// Option changes the Style of one call: doc.Text("TOTAL", printer.Bold,
// printer.Centered). Options apply to that call only.
type Option func(*Style)

// Options for text, columns, images, barcodes and QR codes.
var (
	Bold         Option = func(s *Style) { s.Bold = true }
	Underline    Option = func(s *Style) { s.Underline = true }
	DoubleWidth  Option = func(s *Style) { s.Width = 2 }
	DoubleHeight Option = func(s *Style) { s.Height = 2 }
	DoubleSize   Option = func(s *Style) { s.Width, s.Height = 2, 2 }
	Centered     Option = func(s *Style) { s.Align = Center }
	RightAligned Option = func(s *Style) { s.Align = Right }
	Dithered     Option = func(s *Style) { s.Dither = true }
)

// Size sets the character multipliers (1–8 each, clamped).
func Size(width, height int) Option {
	return func(s *Style) { s.Width, s.Height = width, height }
}

// WithStyle replaces the whole style.
func WithStyle(st Style) Option { return func(s *Style) { *s = st } }

func styleOf(opts []Option) Style {
	var s Style
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s.norm()
}

// mode is what the printer has been told so far; encode sends only the
// commands that change it.
type mode struct {
	bold, underline bool
	size            byte // GS ! n
	align           Align
}

func (s Style) sizeByte() byte { return byte((s.Width-1)<<4 | (s.Height - 1)) }

// appendMode emits the commands that take the printer from cur to want.
// Alignment is sent for every kind of segment (it also places images,
// barcodes and QR codes); the character modes only for text.
func appendMode(dst []byte, cur *mode, want Style, text bool) []byte {
	if want.Align != cur.align {
		dst = append(dst, esc, 'a', byte(want.Align))
		cur.align = want.Align
	}
	if !text {
		return dst
	}
	if want.Bold != cur.bold {
		dst = append(dst, esc, 'E', b2u(want.Bold))
		cur.bold = want.Bold
	}
	if want.Underline != cur.underline {
		dst = append(dst, esc, '-', b2u(want.Underline))
		cur.underline = want.Underline
	}
	if sz := want.sizeByte(); sz != cur.size {
		dst = append(dst, gs, '!', sz)
		cur.size = sz
	}
	return dst
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Control bytes of the command set.
const (
	lf  = 0x0A
	esc = 0x1B
	gs  = 0x1D
	fs  = 0x1C
	dle = 0x10
	eot = 0x04
)

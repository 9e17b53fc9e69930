package printer

// Character cells in dots at size 1×1: font A 12×24, font B 9×17, and
// 2-byte (GB) characters 24×24 (see doc.go for how Unifont's 8×16 and
// 16×16 glyphs are fitted to them).
const (
	cellA  = 12
	cellAH = 24
	cellB  = 9
	cellBH = 17
	cellW  = 24
	cellWH = 24

	defaultLineSpacing = 30
	defaultTab         = 8 // characters of font A between default tab stops
)

// Run kinds.
const (
	runANK   = iota // single-byte characters
	runWide         // 2-byte characters
	runImage        // an ESC * column image
)

// look is how a run's characters are drawn; a run is characters of one
// look, side by side.
type look struct {
	kind uint8
	font uint8 // 0 A, 1 B, 2 GB; for an image, bytes per column (1 or 3)
	w, h uint8 // size multipliers; for an image, dots per image dot
	bold bool
	ul   uint8 // underline thickness, 0–2 dots
	inv  bool
	adv  int32 // dots from one character (or image column) to the next
	pad  int32 // blank dots left of each 2-byte character (FS S)
}

// run is a stretch of a line.
type run struct {
	look
	x      int32 // from the print area's left edge, before alignment
	t0, t1 int32 // UTF-8 text (or image bytes) in the line's or roll's pool
	n      int32 // characters or image columns
}

// lineRec is a printed line.
type lineRec struct {
	y, h    int32 // top; height of the tallest cell
	x0      int32 // left edge of the content after margin and alignment
	r0, r1  int32 // runs
	align   uint8
	imgOnly bool // column image bands, no text: not a text line
}

// lineBuf is the line being composed (the printer's print buffer).
type lineBuf struct {
	runs    []run
	text    []byte
	img     []byte
	x       int32 // next print position
	h       int32 // tallest cell so far
	started bool
	align   uint8
	left    int32 // print area, fixed at the start of the line
	width   int32
}

func (l *lineBuf) reset() {
	l.runs, l.text, l.img = l.runs[:0], l.text[:0], l.img[:0]
	l.x, l.h, l.started = 0, 0, false
}

// style is the character mode set by ESC !, ESC E, GS !, FS ! and friends.
type style struct {
	fontB    bool
	boldE    bool // ESC E, ESC ! bit 3
	boldG    bool // ESC G double strike
	ul       uint8
	inverse  bool
	w, h     uint8 // GS ! / ESC ! bits 4–5
	cnW, cnH bool  // FS ! bits 2–3, FS W
	cnUL     uint8
	upside   bool // ESC {, recorded, not drawn
	rotate   bool // ESC V, recorded, not drawn
	rsp      int32
	cnL, cnR int32
}

// startLine fixes the line's alignment and print area at its first
// character, as ESC a, GS L and GS W take effect only at the start of a
// line.
func (m *Model) startLine() {
	ln := &m.ln
	if ln.started {
		return
	}
	ln.started = true
	ln.align = m.align
	dots := int32(m.profile.Dots)
	ln.left = min(m.left, dots-1)
	ln.width = max(min(m.width, dots-ln.left), 1)
}

func (m *Model) ankLook() look {
	s := &m.st
	lk := look{kind: runANK, w: s.w, h: s.h, bold: s.boldE || s.boldG, ul: s.ul, inv: s.inverse}
	if lk.inv {
		lk.ul = 0 // reverse printing has no underline
	}
	cw := int32(cellA)
	if s.fontB {
		lk.font, cw = 1, cellB
	}
	lk.adv = (cw + s.rsp) * int32(s.w)
	return lk
}

func (m *Model) wideLook() look {
	s := &m.st
	w, h := s.w, s.h
	if s.cnW {
		w = max(w, 2)
	}
	if s.cnH {
		h = max(h, 2)
	}
	ul := max(s.cnUL, s.ul)
	if s.inverse {
		ul = 0
	}
	return look{kind: runWide, font: 2, w: w, h: h, bold: s.boldE || s.boldG, ul: ul, inv: s.inverse,
		adv: (s.cnL + cellW + s.cnR) * int32(w), pad: s.cnL * int32(w)}
}

func (lk *look) cellHeight() int32 {
	switch {
	case lk.kind == runImage:
		return 24
	case lk.font == 1:
		return cellBH * int32(lk.h)
	case lk.font == 2:
		return cellWH * int32(lk.h)
	}
	return cellAH * int32(lk.h)
}

// text prints single-byte characters, wrapping at the print area's edge.
func (m *Model) text(p []byte, ascii bool) {
	if m.off {
		return
	}
	ln := &m.ln
	lk := &m.ank
	for len(p) > 0 {
		m.startLine()
		room := (ln.width - ln.x) / lk.adv
		if room <= 0 {
			if ln.x == 0 {
				return // the area is narrower than one character
			}
			m.printLine(m.lnSp, false)
			continue
		}
		n := min(int(room), len(p))
		t0 := int32(len(ln.text))
		if ascii {
			ln.text = append(ln.text, p[:n]...)
		} else {
			table := m.codeTable()
			for _, b := range p[:n] {
				switch {
				case b < 0x7F:
					ln.text = append(ln.text, b)
				case b == 0x7F:
					ln.text = appendRune(ln.text, '⌂') // DEL prints as in PC437
				default:
					ln.text = appendRune(ln.text, table[b-0x80])
				}
			}
		}
		m.addRun(lk, t0, int32(n))
		p = p[n:]
	}
}

// wide prints one 2-byte GB character.
func (m *Model) wide(lead, trail byte) {
	if m.off {
		return
	}
	ln := &m.ln
	m.startLine()
	lk := &m.wlk
	if ln.x+lk.adv > ln.width {
		if ln.x == 0 {
			return
		}
		m.printLine(m.lnSp, false)
		m.startLine()
	}
	t0 := int32(len(ln.text))
	ln.text = appendRune(ln.text, gbRune(lead, trail))
	m.addRun(lk, t0, 1)
}

// addRun records n characters of look lk whose text starts at t0 in the
// line's pool, extending the last run when they continue it.
func (m *Model) addRun(lk *look, t0, n int32) {
	ln := &m.ln
	t1 := int32(len(ln.text))
	if k := len(ln.runs); k > 0 {
		u := &ln.runs[k-1]
		if u.look == *lk && u.t1 == t0 && u.x+u.n*u.adv == ln.x {
			u.t1 = t1
			u.n += n
			ln.x += n * lk.adv
			ln.h = max(ln.h, lk.cellHeight())
			return
		}
	}
	ln.runs = append(ln.runs, run{look: *lk, x: ln.x, t0: t0, t1: t1, n: n})
	ln.x += n * lk.adv
	ln.h = max(ln.h, lk.cellHeight())
}

// printLine prints the line buffer and feeds: by feed dots, but at least
// the line's height. record makes an empty line count as a (blank) text
// line, as LF does and ESC J does not.
func (m *Model) printLine(feed int32, record bool) {
	ln := &m.ln
	adv := max(feed, 0)
	if ln.started {
		adv = max(adv, ln.h)
	}
	if !ln.started && !record {
		m.advance(adv)
		return
	}
	m.fit(adv)
	r := m.roll
	rec := lineRec{y: r.height, h: ln.h, align: ln.align, r0: int32(len(r.runs))}
	if !ln.started {
		rec.align = m.align
	}
	rec.x0 = ln.left + alignOffset(ln.width, ln.x, rec.align)
	tb, ib := int32(len(r.text)), int32(len(r.img))
	hasText := false
	r.text = append(r.text, ln.text...)
	if len(ln.img) > 0 {
		r.img = append(r.img, ln.img...)
	}
	for _, u := range ln.runs {
		if u.kind == runImage {
			u.t0, u.t1 = u.t0+ib, u.t1+ib
			m.noteColumnImage(rec.y, rec.x0+u.x, u.n*u.adv)
		} else {
			u.t0, u.t1 = u.t0+tb, u.t1+tb
			hasText = true
		}
		r.runs = append(r.runs, u)
	}
	rec.r1 = int32(len(r.runs))
	rec.imgOnly = !hasText && rec.r1 > rec.r0
	r.lines = append(r.lines, rec)
	r.height = min(r.height+adv, int32(m.opts.MaxReceiptDots))
	m.touch()
	ln.reset()
}

// noteColumnImage records an ESC * band in the receipt's images, joining
// it to the band above when they line up, as bands of one picture do.
func (m *Model) noteColumnImage(y, x, w int32) {
	r := m.roll
	if k := len(r.images); k > 0 {
		im := &r.images[k-1]
		if im.Kind == "column" && im.X == int(x) && im.Width == int(w) && im.Y+im.Height >= int(y)-6 {
			im.Height = int(y) + 24 - im.Y
			return
		}
		if im.Kind == "column" && im.Y == int(y) && im.X+im.Width == int(x) {
			im.Width += int(w) // side by side in one line
			return
		}
	}
	r.images = append(r.images, Image{Y: int(y), X: int(x), Width: int(w), Height: 24, Kind: "column"})
}

func alignOffset(area, content int32, align uint8) int32 {
	switch align {
	case 1:
		return max((area-content)/2, 0)
	case 2:
		return max(area-content, 0)
	}
	return 0
}

// tab moves to the next tab stop (HT); past the last one it does nothing.
func (m *Model) tab() {
	if m.off {
		return
	}
	m.startLine()
	ln := &m.ln
	for _, t := range m.tabs[:m.ntabs] {
		if t > ln.x {
			if t < ln.width {
				ln.x = t
			}
			return
		}
	}
}

// setTabs is ESC D: positions in characters of the current font A/B width
// (spacing included), ascending; NUL alone clears them.
func (m *Model) setTabs(p []byte) {
	lk := m.ankLook()
	m.ntabs = 0
	prev := 0
	for _, c := range p {
		if int(c) <= prev {
			break
		}
		prev = int(c)
		m.tabs[m.ntabs] = int32(c) * lk.adv
		m.ntabs++
	}
}

func (m *Model) defaultTabs() {
	m.ntabs = len(m.tabs)
	for i := range m.tabs {
		m.tabs[i] = int32((i+1)*defaultTab) * cellA
	}
}

// moveTo is ESC $ (absolute) and ESC \ (relative): out of the print area
// it is ignored.
func (m *Model) moveTo(x int32) {
	m.startLine()
	if x >= 0 && x < m.ln.width {
		m.ln.x = x
	}
}

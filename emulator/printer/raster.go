package printer

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	mbits "math/bits"
	"unicode/utf8"

	"github.com/posemu/posemu/emulator/font"
)

// ErrNoReceipt is the error for a receipt ID the printer does not have.
var ErrNoReceipt = errors.New("no such receipt")

// Paper is white (palette index 0) and dots are black (index 1).
var paperPalette = color.Palette{color.Gray{Y: 0xFF}, color.Gray{Y: 0}}

// cellGlyph is a character fitted to its cell at size 1×1: row y's bit
// 31-x is the dot at x.
type cellGlyph struct {
	rows [cellWH]uint32
}

type glyphKey struct {
	r    rune
	font uint8
}

// glyphCache fits Unifont glyphs to the printer's cells once per
// character. It is used under the model's lock.
type glyphCache struct {
	face *font.Face
	m    map[glyphKey]*cellGlyph
}

func newGlyphCache() *glyphCache { return &glyphCache{m: map[glyphKey]*cellGlyph{}} }

// cellSize is the cell of font f (0 A, 1 B, 2 GB) at 1×1.
func cellSize(f uint8) (w, h int) {
	switch f {
	case 1:
		return cellB, cellBH
	case 2:
		return cellW, cellWH
	}
	return cellA, cellAH
}

func (c *glyphCache) get(r rune, f uint8) *cellGlyph {
	k := glyphKey{r, f}
	if g := c.m[k]; g != nil {
		return g
	}
	if c.face == nil {
		c.face = font.Unifont()
	}
	src, ok := c.face.Glyph(r)
	if !ok {
		src, _ = c.face.Glyph(utf8.RuneError)
	}
	g := fitGlyph(src, f)
	c.m[k] = g
	return g
}

// fitGlyph scales a 16-dot-high Unifont glyph to a cell: font A (12×24)
// and 2-byte characters (24×24) are 1.5 times the 8×16 and 16×16 glyphs,
// nearest neighbour; font B (9×17) is the 8×16 glyph with a blank column
// on the right and a blank row at the bottom. A glyph of the other width
// is squeezed or centred to fit.
func fitGlyph(src font.Glyph, f uint8) *cellGlyph {
	g := new(cellGlyph)
	cw, ch := cellSize(f)
	gw := src.Width
	if gw == 0 || src.Height == 0 {
		return g
	}
	dw, x0 := cw, 0 // width the glyph is drawn at, and where
	switch {
	case f == 1:
		dw = min(8, cw)
	case f == 2 && gw <= 8:
		dw, x0 = 12, 6
	}
	dh := ch
	if f == 1 {
		dh = 16
	}
	for y := range dh {
		sy := y * src.Height / dh
		var row uint32
		for x := range dw {
			if src.At(x*gw/dw, sy) {
				row |= 1 << uint(31-x0-x)
			}
		}
		g.rows[y] = row
	}
	return g
}

// canvas is a paletted image's pixels with clipping.
type canvas struct {
	pix  []uint8
	w, h int
}

func (c *canvas) fill(x0, y0, x1, y1 int, v uint8) {
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, c.w), min(y1, c.h)
	if x0 >= x1 {
		return
	}
	for y := y0; y < y1; y++ {
		row := c.pix[y*c.w+x0 : y*c.w+x1]
		for i := range row {
			row[i] = v
		}
	}
}

// glyph draws g at (x, y) magnified w×h, in ink v; bold thickens strokes
// one dot of the glyph to the right.
func (c *canvas) glyph(g *cellGlyph, rows, x, y, w, h int, bold bool, v uint8) {
	for ry := range rows {
		bits := g.rows[ry]
		if bold {
			bits |= bits >> 1
		}
		for bits != 0 {
			start := mbits.LeadingZeros32(bits)
			end := min(start+mbits.LeadingZeros32(^(bits<<uint(start))), 32)
			c.fill(x+start*w, y+ry*h, x+end*w, y+(ry+1)*h, v)
			bits &= 1<<uint(32-end) - 1
		}
	}
}

// render draws a receipt dot for dot.
func (m *Model) render(r *roll) *image.Paletted {
	w, h := m.profile.Dots, max(int(r.height), 1)
	img := image.NewPaletted(image.Rect(0, 0, w, h), paperPalette)
	c := &canvas{pix: img.Pix, w: w, h: h}
	for i := range r.lines {
		l := &r.lines[i]
		for j := l.r0; j < l.r1; j++ {
			m.drawRun(c, r, l, &r.runs[j])
		}
	}
	for i := range r.bands {
		m.drawBand(c, r, &r.bands[i])
	}
	return img
}

func (m *Model) drawRun(c *canvas, r *roll, l *lineRec, u *run) {
	x := int(l.x0 + u.x)
	bottom := int(l.y + l.h)
	if u.kind == runImage {
		bpc := int(u.font)
		top := bottom - 24
		data := r.img[u.t0:u.t1]
		for col := 0; col < int(u.n); col++ {
			for bit := 0; bit < 8*bpc; bit++ {
				if data[col*bpc+bit/8]&(0x80>>uint(bit%8)) != 0 {
					c.fill(x+col*int(u.w), top+bit*int(u.h), x+(col+1)*int(u.w), top+(bit+1)*int(u.h), 1)
				}
			}
		}
		return
	}
	_, ch := cellSize(u.font)
	wm, hm := int(u.w), int(u.h)
	top := bottom - ch*hm
	ink := uint8(1)
	if u.inv {
		ink = 0
		c.fill(x, top, x+int(u.n*u.adv), bottom, 1)
	}
	text := r.text[u.t0:u.t1]
	for len(text) > 0 {
		ru, size := utf8.DecodeRune(text)
		text = text[size:]
		g := m.glyphs.get(ru, u.font)
		c.glyph(g, ch, x+int(u.pad), top, wm, hm, u.bold, ink)
		x += int(u.adv)
	}
	if u.ul > 0 {
		x0 := int(l.x0 + u.x)
		c.fill(x0, bottom-int(u.ul), x, bottom, ink)
	}
}

func (m *Model) drawBand(c *canvas, r *roll, b *band) {
	x, y := int(b.x), int(b.y)
	switch b.kind {
	case bandRaster:
		stride, mx, my := int(b.stride), int(b.mx), int(b.my)
		rows := int(b.h) / my
		data := r.img[b.off : int(b.off)+stride*rows]
		for row := range rows {
			line := data[row*stride : (row+1)*stride]
			for i, v := range line {
				for bit := 0; v != 0 && bit < 8; bit++ {
					if v&(0x80>>uint(bit)) != 0 {
						px := x + (i*8+bit)*mx
						c.fill(px, y+row*my, px+mx, y+(row+1)*my, 1)
					}
				}
			}
		}
	case bandBarcode:
		_, fh := cellSize(b.font)
		top := y
		if b.hriPos&1 != 0 {
			m.drawHRI(c, b, top)
			top += fh
		}
		mw := int(b.mx)
		for i := 0; i < len(b.mods); {
			if b.mods[i] == 0 {
				i++
				continue
			}
			j := i
			for j < len(b.mods) && b.mods[j] == 1 {
				j++
			}
			c.fill(x+i*mw, top, min(x+j*mw, x+int(b.w)), top+int(b.barH), 1)
			i = j
		}
		if b.hriPos&2 != 0 {
			m.drawHRI(c, b, top+int(b.barH))
		}
	case bandQR:
		n, s := int(b.stride), int(b.mx)
		for i, v := range b.mods {
			if v != 0 {
				px, py := x+(i%n)*s, y+(i/n)*s
				c.fill(px, py, px+s, py+s, 1)
			}
		}
	}
}

// drawHRI prints a barcode's human-readable text centred on it.
func (m *Model) drawHRI(c *canvas, b *band, y int) {
	cw, ch := cellSize(b.font)
	n := utf8.RuneCountInString(b.hri)
	x := int(b.x) + (int(b.w)-n*cw)/2
	for _, ru := range b.hri {
		c.glyph(m.glyphs.get(ru, b.font), ch, x, y, 1, 1, false, 1)
		x += cw
	}
}

// Raster draws receipt id dot for dot: the paper's width by its length,
// black dots on white.
func (m *Model) Raster(id int) (*image.Paletted, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Drawn under the lock: an evicted receipt's memory is reused.
	r := m.find(id)
	if r == nil {
		return nil, fmt.Errorf("receipt %d: %w", id, ErrNoReceipt)
	}
	return m.render(r), nil
}

// PNG returns receipt id as a 1-bit PNG; a cut receipt's is kept after
// the first call.
func (m *Model) PNG(id int) ([]byte, error) {
	m.mu.Lock()
	r := m.find(id)
	var cached []byte
	cut := CutNone
	if r != nil {
		cached, cut = r.png, r.cut
	}
	m.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	img, err := m.Raster(id)
	if err != nil {
		return nil, err
	}
	data, err := encodePNG(img)
	if err != nil {
		return nil, err
	}
	if cut != CutNone {
		m.mu.Lock()
		r.png = data
		m.mu.Unlock()
	}
	return data, nil
}

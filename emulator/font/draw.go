package font

import (
	"image"
	"image/color"
	"image/draw"
)

// Draw renders s on one line with its top-left corner at (x, y). Each glyph
// pixel becomes a scale×scale block (scale below 1 counts as 1): fg where the
// glyph is set, bg where it is clear. A nil fg or bg leaves those pixels as
// they were, so a nil bg draws on a transparent background. Pixels are
// replaced, not blended. Runes the face lacks, control characters such as
// '\n' among them, are drawn as the replacement glyph (U+FFFD) so a gap in
// the font is visible on screen. Nothing outside dst's bounds is touched.
// Draw returns the width drawn in pixels, Measure(s)*scale, even where the
// text runs off dst.
func (f *Face) Draw(dst draw.Image, x, y int, s string, scale int, fg, bg color.Color) int {
	if scale < 1 {
		scale = 1
	}
	p := newPen(dst, fg, bg)
	x0 := x
	for _, r := range s {
		g, _ := f.lookup(r)
		p.glyph(g, x, y, scale)
		x += g.width * scale
	}
	return x - x0
}

// ink is one colour, converted once per Draw into what dst stores.
type ink struct {
	set  bool
	c    color.Color
	rgba color.RGBA
	gray color.Gray
	idx  uint8
}

// pen writes rectangles of ink into dst, with direct pixel access for the
// image types the emulator's screens and receipts use.
type pen struct {
	dst    draw.Image
	clip   image.Rectangle
	rgba   *image.RGBA
	gray   *image.Gray
	pal    *image.Paletted
	fg, bg ink
}

func newPen(dst draw.Image, fg, bg color.Color) *pen {
	p := &pen{dst: dst, clip: dst.Bounds()}
	switch d := dst.(type) {
	case *image.RGBA:
		p.rgba = d
	case *image.Gray:
		p.gray = d
	case *image.Paletted:
		if len(d.Palette) > 0 {
			p.pal = d
		}
	}
	p.fg = p.ink(fg)
	p.bg = p.ink(bg)
	return p
}

func (p *pen) ink(c color.Color) ink {
	if c == nil {
		return ink{}
	}
	k := ink{set: true, c: p.dst.ColorModel().Convert(c)}
	switch {
	case p.rgba != nil:
		k.rgba = color.RGBAModel.Convert(c).(color.RGBA)
	case p.gray != nil:
		k.gray = color.GrayModel.Convert(c).(color.Gray)
	case p.pal != nil:
		k.idx = uint8(p.pal.Palette.Index(c))
	}
	return k
}

// glyph draws g at (x, y), one rectangle per horizontal run of equal pixels.
func (p *pen) glyph(g glyphRef, x, y, scale int) {
	box := image.Rect(x, y, x+g.width*scale, y+g.height*scale)
	if !box.Overlaps(p.clip) {
		return
	}
	stride := (g.width + 7) / 8
	for row := 0; row < g.height; row++ {
		top := y + row*scale
		if top+scale <= p.clip.Min.Y || top >= p.clip.Max.Y {
			continue
		}
		// The row as one word, leftmost pixel in bit 63.
		var bits uint64
		for i, b := range g.bits[row*stride : (row+1)*stride] {
			bits |= uint64(b) << (56 - 8*uint(i))
		}
		for col := 0; col < g.width; {
			on := bits&(1<<(63-uint(col))) != 0
			end := col + 1
			for end < g.width && (bits&(1<<(63-uint(end))) != 0) == on {
				end++
			}
			k := &p.bg
			if on {
				k = &p.fg
			}
			if k.set {
				p.fill(image.Rect(x+col*scale, top, x+end*scale, top+scale), k)
			}
			col = end
		}
	}
}

func (p *pen) fill(r image.Rectangle, k *ink) {
	r = r.Intersect(p.clip)
	if r.Empty() {
		return
	}
	switch {
	case p.rgba != nil:
		c := k.rgba
		for y := r.Min.Y; y < r.Max.Y; y++ {
			i := p.rgba.PixOffset(r.Min.X, y)
			row := p.rgba.Pix[i : i+4*r.Dx() : i+4*r.Dx()]
			for j := 0; j < len(row); j += 4 {
				row[j], row[j+1], row[j+2], row[j+3] = c.R, c.G, c.B, c.A
			}
		}
	case p.gray != nil:
		for y := r.Min.Y; y < r.Max.Y; y++ {
			i := p.gray.PixOffset(r.Min.X, y)
			row := p.gray.Pix[i : i+r.Dx()]
			for j := range row {
				row[j] = k.gray.Y
			}
		}
	case p.pal != nil:
		for y := r.Min.Y; y < r.Max.Y; y++ {
			i := p.pal.PixOffset(r.Min.X, y)
			row := p.pal.Pix[i : i+r.Dx()]
			for j := range row {
				row[j] = k.idx
			}
		}
	default:
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				p.dst.Set(x, y, k.c)
			}
		}
	}
}

package font

import (
	"image"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// FontFace adapts f to golang.org/x/image/font, each pixel a scale×scale
// block (scale below 1 counts as 1), for code that lays text out with
// font.Drawer. Like golang.org/x/image/font/basicfont, it substitutes the
// replacement glyph for runes f lacks and reports them as present, so a
// Drawer shows the gap instead of skipping it silently. Glyph masks are
// fully opaque or fully transparent; there is no antialiasing to blur an
// LCD's pixels.
func (f *Face) FontFace(scale int) xfont.Face {
	if scale < 1 {
		scale = 1
	}
	return &fontFace{f: f, scale: scale}
}

type fontFace struct {
	f     *Face
	scale int
}

var _ xfont.Face = (*fontFace)(nil)

func (ff *fontFace) Close() error { return nil }

func (ff *fontFace) Kern(r0, r1 rune) fixed.Int26_6 { return 0 }

func (ff *fontFace) Metrics() xfont.Metrics {
	s := ff.scale
	return xfont.Metrics{
		Height:     fixed.I(ff.f.height * s),
		Ascent:     fixed.I(unifontAscent * s),
		Descent:    fixed.I(unifontDescent * s),
		XHeight:    fixed.I(unifontXHeight * s),
		CapHeight:  fixed.I(unifontCap * s),
		CaretSlope: image.Point{X: 0, Y: 1},
	}
}

func (ff *fontFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	return fixed.I(ff.f.Advance(r) * ff.scale), true
}

// bounds is the glyph box relative to the dot (origin on the baseline).
func (ff *fontFace) bounds(g glyphRef) image.Rectangle {
	s := ff.scale
	return image.Rect(0, -unifontAscent*s, g.width*s, (g.height-unifontAscent)*s)
}

func (ff *fontFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	g, _ := ff.f.lookup(r)
	b := ff.bounds(g)
	return fixed.R(b.Min.X, b.Min.Y, b.Max.X, b.Max.Y), fixed.I(g.width * ff.scale), true
}

func (ff *fontFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	g, _ := ff.f.lookup(r)
	b := ff.bounds(g)
	mask := image.NewAlpha(image.Rect(0, 0, b.Dx(), b.Dy()))
	s := ff.scale
	for y := 0; y < b.Dy(); y++ {
		row := mask.Pix[y*mask.Stride : y*mask.Stride+b.Dx()]
		for x := range row {
			if g.at(x/s, y/s) {
				row[x] = 0xff
			}
		}
	}
	dr := b.Add(image.Pt(dot.X.Round(), dot.Y.Round()))
	return dr, mask, image.Point{}, fixed.I(g.width * s), true
}

package font_test

import (
	"image"
	"image/color"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/posemu/posemu/emulator/font"
)

var _ = Describe("FontFace", func() {
	f := font.Unifont()

	It("reports Unifont's metrics at the given scale", func() {
		m := f.FontFace(2).Metrics()
		Expect(m.Height).To(Equal(fixed.I(32)))
		Expect(m.Ascent).To(Equal(fixed.I(28)))
		Expect(m.Descent).To(Equal(fixed.I(4)))
		Expect(m.CapHeight).To(Equal(fixed.I(20)))
		Expect(m.XHeight).To(Equal(fixed.I(16)))
	})

	It("advances, bounds and kerns like the Face", func() {
		ff := f.FontFace(3)
		defer ff.Close()
		adv, ok := ff.GlyphAdvance('付')
		Expect(ok).To(BeTrue())
		Expect(adv).To(Equal(fixed.I(48)))
		b, adv, ok := ff.GlyphBounds('A')
		Expect(ok).To(BeTrue())
		Expect(adv).To(Equal(fixed.I(24)))
		Expect(b).To(Equal(fixed.R(0, -42, 24, 6)))
		Expect(ff.Kern('A', 'V')).To(BeZero())
		adv, ok = ff.GlyphAdvance(0x1F600)
		Expect(ok).To(BeTrue())
		Expect(adv).To(Equal(fixed.I(f.Advance('\uFFFD') * 3)))
		Expect(xfont.MeasureString(ff, "确认¥")).To(Equal(fixed.I(f.Measure("确认¥") * 3)))
	})

	It("draws with font.Drawer what Draw draws", func() {
		const s = "付款A\U0001F600"
		for _, scale := range []int{1, 2} {
			want := image.NewRGBA(image.Rect(0, 0, 140, 40))
			f.Draw(want, 4, 2, s, scale, color.Black, nil)

			got := image.NewRGBA(want.Bounds())
			d := xfont.Drawer{
				Dst:  got,
				Src:  image.NewUniform(color.Black),
				Face: f.FontFace(scale),
				Dot:  fixed.P(4, 2+14*scale), // the baseline
			}
			d.DrawString(s)
			Expect(got.Pix).To(Equal(want.Pix), "scale %d", scale)
			Expect(d.Dot.X).To(Equal(fixed.I(4 + f.Measure(s)*scale)))
		}
	})

	It("returns a mask that fits the destination rectangle", func() {
		dr, mask, mp, adv, ok := f.FontFace(1).Glyph(fixed.P(10, 20), '元')
		Expect(ok).To(BeTrue())
		Expect(dr).To(Equal(image.Rect(10, 6, 26, 22)))
		Expect(mask.Bounds().Size()).To(Equal(dr.Size()))
		Expect(mp).To(Equal(image.Point{}))
		Expect(adv).To(Equal(fixed.I(16)))
		g, _ := f.Glyph('元')
		for y := 0; y < 16; y++ {
			for x := 0; x < 16; x++ {
				_, _, _, a := mask.At(x, y).RGBA()
				Expect(a != 0).To(Equal(g.At(x, y)), "mask pixel (%d,%d)", x, y)
			}
		}
	})
})

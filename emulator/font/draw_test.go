package font_test

import (
	"image"
	"image/color"
	"image/draw"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/font"
)

var (
	sentinel = color.RGBA{R: 0x12, G: 0x34, B: 0x56, A: 0xFF}
	ink      = color.RGBA{A: 0xFF}
	paper    = color.RGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
)

func canvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(sentinel), image.Point{}, draw.Src)
	return img
}

// expected is what pixel (x, y) of an image holds after drawing s at
// (ox, oy), computed from the glyphs rather than from Draw.
func expected(f *font.Face, s string, ox, oy, scale, x, y int, bg color.Color) color.Color {
	if y < oy || y >= oy+f.Height()*scale || x < ox {
		return sentinel
	}
	pen := ox
	for _, r := range s {
		w := f.Advance(r) * scale
		if x < pen+w {
			g, ok := f.Glyph(r)
			if !ok {
				g, _ = f.Glyph('\uFFFD')
			}
			if g.At((x-pen)/scale, (y-oy)/scale) {
				return ink
			}
			if bg == nil {
				return sentinel
			}
			return bg
		}
		pen += w
	}
	return sentinel
}

func expectDrawn(img draw.Image, f *font.Face, s string, ox, oy, scale int, bg color.Color) {
	b := img.Bounds()
	bad := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			want := color.RGBAModel.Convert(expected(f, s, ox, oy, scale, x, y, bg))
			if got := color.RGBAModel.Convert(img.At(x, y)); got != want {
				bad++
				if bad <= 5 {
					GinkgoWriter.Printf("pixel (%d,%d) = %v, want %v\n", x, y, got, want)
				}
			}
		}
	}
	Expect(bad).To(BeZero(), "pixels that differ from the glyphs")
}

// plainImage hides the concrete type so Draw takes its generic path, and
// records writes outside the bounds.
type plainImage struct {
	*image.RGBA
	outside int
}

func (p *plainImage) Set(x, y int, c color.Color) {
	if !(image.Point{X: x, Y: y}).In(p.Bounds()) {
		p.outside++
	}
	p.RGBA.Set(x, y, c)
}

var _ = Describe("Draw", func() {
	f := font.Unifont()

	It("sets pixels inside the text box only, fg on set and bg on clear", func() {
		img := canvas(80, 60)
		w := f.Draw(img, 10, 20, "A确", 2, ink, paper)
		Expect(w).To(Equal((8 + 16) * 2))
		expectDrawn(img, f, "A确", 10, 20, 2, paper)
		// The box is fully painted: no sentinel left inside it.
		for y := 20; y < 52; y++ {
			for x := 10; x < 58; x++ {
				Expect(img.RGBAAt(x, y)).NotTo(Equal(sentinel))
			}
		}
	})

	It("leaves clear pixels alone when bg is nil", func() {
		img := canvas(40, 20)
		Expect(f.Draw(img, 1, 2, "元0", 1, ink, nil)).To(Equal(24))
		expectDrawn(img, f, "元0", 1, 2, 1, nil)
	})

	It("draws a visible replacement for a rune it lacks", func() {
		img := canvas(30, 20)
		Expect(f.Draw(img, 0, 0, "\U0001F600", 1, ink, nil)).To(Equal(f.Advance('\uFFFD')))
		ref := canvas(30, 20)
		f.Draw(ref, 0, 0, "\uFFFD", 1, ink, nil)
		Expect(img.Pix).To(Equal(ref.Pix))
		inked := 0
		for y := 0; y < 16; y++ {
			for x := 0; x < 8; x++ {
				if img.RGBAAt(x, y) == ink {
					inked++
				}
			}
		}
		Expect(inked).To(BeNumerically(">", 20))
	})

	It("clips at the image edges and still reports the full width", func() {
		img := &plainImage{RGBA: canvas(20, 10)}
		Expect(f.Draw(img, -5, -3, "支付宝", 1, ink, paper)).To(Equal(48))
		Expect(img.outside).To(BeZero())
		expectDrawn(img.RGBA, f, "支付宝", -5, -3, 1, paper)
		Expect(f.Draw(img, 100, 100, "支付", 3, ink, paper)).To(Equal(96))
		Expect(img.outside).To(BeZero())
	})

	It("honours a non-zero image origin", func() {
		whole := canvas(60, 40)
		sub := whole.SubImage(image.Rect(10, 10, 50, 30)).(*image.RGBA)
		f.Draw(sub, 12, 11, "¥1", 1, ink, paper)
		expectDrawn(sub, f, "¥1", 12, 11, 1, paper)
		Expect(whole.RGBAAt(5, 5)).To(Equal(sentinel))
	})

	It("treats a scale below 1 as 1", func() {
		a, b := canvas(20, 20), canvas(20, 20)
		Expect(f.Draw(a, 0, 0, "宝", 0, ink, paper)).To(Equal(16))
		f.Draw(b, 0, 0, "宝", 1, ink, paper)
		Expect(a.Pix).To(Equal(b.Pix))
	})

	DescribeTable("gives the same picture on every image type",
		func(mk func(r image.Rectangle) draw.Image) {
			const s = "确认¥9.99"
			want := canvas(110, 40)
			f.Draw(&plainImage{RGBA: want}, 3, 4, s, 2, color.Black, color.White)
			img := mk(want.Bounds())
			draw.Draw(img, img.Bounds(), image.NewUniform(sentinel), image.Point{}, draw.Src)
			Expect(f.Draw(img, 3, 4, s, 2, color.Black, color.White)).To(Equal(f.Measure(s) * 2))
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					w := img.ColorModel().Convert(want.At(x, y))
					Expect(img.At(x, y)).To(Equal(w), "pixel (%d,%d)", x, y)
				}
			}
		},
		Entry("RGBA", func(r image.Rectangle) draw.Image { return image.NewRGBA(r) }),
		Entry("Gray", func(r image.Rectangle) draw.Image { return image.NewGray(r) }),
		Entry("Paletted", func(r image.Rectangle) draw.Image {
			return image.NewPaletted(r, color.Palette{color.White, color.Black, sentinel})
		}),
		Entry("NRGBA (generic path)", func(r image.Rectangle) draw.Image { return image.NewNRGBA(r) }),
	)
})

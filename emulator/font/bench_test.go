package font_test

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/posemu/posemu/emulator/font"
)

// BenchmarkDrawChineseLine draws one full line of a 240-pixel-wide operator
// screen, the common case for every LCD text command.
func BenchmarkDrawChineseLine(b *testing.B) {
	const line = "确认支付宝收款 ¥128.50"
	f := font.Unifont()
	for _, bc := range []struct {
		name  string
		img   func() draw.Image
		scale int
	}{
		{"RGBA/x1", func() draw.Image { return image.NewRGBA(image.Rect(0, 0, 240, 64)) }, 1},
		{"RGBA/x2", func() draw.Image { return image.NewRGBA(image.Rect(0, 0, 480, 64)) }, 2},
		{"Gray/x1", func() draw.Image { return image.NewGray(image.Rect(0, 0, 240, 64)) }, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			img := bc.img()
			b.ReportAllocs()
			for b.Loop() {
				f.Draw(img, 0, 0, line, bc.scale, color.Black, color.White)
			}
		})
	}
}

func BenchmarkUnifontGlyph(b *testing.B) {
	f := font.Unifont()
	for b.Loop() {
		f.Advance('确')
	}
}

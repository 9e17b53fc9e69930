package font_test

import (
	"image"
	"image/color"
	"testing"

	"github.com/posemu/posemu/emulator/font"
)

// FuzzDraw feeds Draw the text the LCD model hands it, which comes off the
// wire: any bytes, valid UTF-8 or not, at any position and scale.
func FuzzDraw(f *testing.F) {
	f.Add("确认支付 ¥12.50", 0, 0, 1)
	f.Add("\xff\xfe\n\t\x00", -7, 3, 2)
	f.Add("\U0001F600─→", 30, -10, 3)
	f.Add("", 0, 0, 0)
	face := font.Unifont()
	f.Fuzz(func(t *testing.T, s string, x, y, scale int) {
		x, y = x%100, y%100
		scale = scale % 5
		img := image.NewGray(image.Rect(0, 0, 64, 32))
		w := face.Draw(img, x, y, s, scale, color.White, color.Black)
		if scale < 1 {
			scale = 1
		}
		if want := face.Measure(s) * scale; w != want {
			t.Fatalf("Draw(%q) = %d, Measure*scale = %d", s, w, want)
		}
	})
}

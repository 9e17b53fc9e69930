package lcd

import "image/color"

// Color is an RGB565 colour as the wire carries it.
type Color uint16

// A few colours; any other is RGB(r, g, b).
const (
	Black   Color = 0x0000
	White   Color = 0xFFFF
	Red     Color = 0xF800
	Green   Color = 0x07E0
	Blue    Color = 0x001F
	Yellow  Color = 0xFFE0
	Cyan    Color = 0x07FF
	Magenta Color = 0xF81F
	Gray    Color = 0x8410
)

// RGB returns the RGB565 colour nearest to r, g, b.
func RGB(r, g, b uint8) Color {
	return Color(uint16(r>>3)<<11 | uint16(g>>2)<<5 | uint16(b>>3))
}

// ColorOf converts any colour (alpha ignored) to RGB565.
func ColorOf(c color.Color) Color {
	r, g, b, _ := c.RGBA()
	return RGB(uint8(r>>8), uint8(g>>8), uint8(b>>8))
}

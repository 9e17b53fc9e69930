package lcd

import (
	"fmt"
	"image"
	"image/color"
	"unicode/utf8"
)

// Align places text within its box.
type Align uint8

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// TextOpts says how Text draws.
type TextOpts struct {
	Size    int   // 1 (16 px high, the default) or 2 (32 px)
	Inverse bool  // swap the text colours
	Align   Align // within Width
	Width   int   // box width in pixels; 0 = as wide as the text (no alignment)
}

// QRLevel is a QR code's error correction level.
type QRLevel uint8

// QR error correction levels.
const (
	QRLow      QRLevel = iota // 7 %
	QRMedium                  // 15 %
	QRQuartile                // 25 %
	QRHigh                    // 30 %
)

// Info is what the display says about itself.
type Info struct {
	Width, Height int
	Depth         int // bits per pixel: 16 (RGB565) or 1 (mono)
	Protocol      int
	MaxPayload    int
	Firmware      string
}

func u16(b []byte, v int) []byte { return append(b, byte(v), byte(v>>8)) }

// coords checks that every value fits the wire's u16 fields.
func (d *Display) coords(what string, vals ...int) error {
	for _, v := range vals {
		if v < 0 || v > 0xFFFF {
			return d.errorf("%s: coordinate or size %d is outside 0–65535: %w", what, v, ErrInvalid)
		}
	}
	return nil
}

// command runs one single-frame command.
func (d *Display) command(cmd byte, payload []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.begin()
	if _, err := d.exchange(cmd, payload); err != nil {
		return err
	}
	d.stats.Commands++
	return nil
}

// Clear fills the screen with c and removes all text.
func (d *Display) Clear(c Color) error {
	return d.command(cmdClear, u16(nil, int(c)))
}

// Backlight sets the backlight, 0 (off) to 100 (full).
func (d *Display) Backlight(level int) error {
	if level < 0 || level > 100 {
		return d.errorf("backlight: level %d is outside 0–100: %w", level, ErrInvalid)
	}
	return d.command(cmdBacklight, []byte{byte(level)})
}

// Info asks the display for its geometry and firmware, and from then on
// keeps frames within the payload size it announces.
func (d *Display) Info() (Info, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.begin()
	r, err := d.exchange(cmdInfo, nil)
	if err != nil {
		return Info{}, err
	}
	p := r.payload
	if len(p) < 8 {
		return Info{}, d.errorf("info: reply of %d bytes is shorter than the 8 the protocol defines", len(p))
	}
	in := Info{
		Width: le16(p), Height: le16(p[2:]), Depth: int(p[4]), Protocol: int(p[5]),
		MaxPayload: le16(p[6:]), Firmware: string(p[8:]),
	}
	if in.MaxPayload > 0 && in.MaxPayload < d.maxData {
		d.maxData = in.MaxPayload
	}
	d.stats.Commands++
	return in, nil
}

func le16(b []byte) int { return int(b[0]) | int(b[1])<<8 }

// Text draws s (UTF-8, one line, Chinese included) with the box's top-left
// corner at x, y.
func (d *Display) Text(x, y int, s string, o TextOpts) error {
	size := o.Size
	if size == 0 {
		size = 1
	}
	if size != 1 && size != 2 {
		return d.errorf("text %q: size %d is not 1 (16 px) or 2 (32 px): %w", s, o.Size, ErrInvalid)
	}
	if o.Align > AlignRight {
		return d.errorf("text %q: alignment %d is not left, centre or right: %w", s, o.Align, ErrInvalid)
	}
	if err := d.coords("text", x, y, o.Width); err != nil {
		return err
	}
	if !utf8.ValidString(s) {
		return d.errorf("text %q: not valid UTF-8: %w", s, ErrInvalid)
	}
	for i, r := range s {
		if r < 0x20 || r == 0x7F {
			return d.errorf("text %q: control character %U at byte %d (one Text call draws one line): %w", s, r, i, ErrInvalid)
		}
	}
	flags := byte(o.Align) << 1
	if o.Inverse {
		flags |= 1
	}
	d.mu.Lock()
	fg, bg := d.fg, d.bg
	d.mu.Unlock()
	p := make([]byte, 0, 12+len(s))
	p = u16(u16(u16(p, x), y), o.Width)
	p = append(p, byte(size), flags)
	p = u16(u16(p, int(fg)), int(bg))
	p = append(p, s...)
	if len(p) > d.limit() {
		return d.errorf("text of %d bytes does not fit one frame (at most %d): split it: %w", len(s), d.limit()-12, ErrTooLarge)
	}
	return d.command(cmdText, p)
}

func (d *Display) limit() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.maxData
}

// FillRect paints a w×h rectangle at x, y.
func (d *Display) FillRect(x, y, w, h int, c Color) error {
	if err := d.rectArgs("fill rect", x, y, w, h); err != nil {
		return err
	}
	return d.command(cmdFillRect, u16(u16(u16(u16(u16(nil, x), y), w), h), int(c)))
}

// StrokeRect draws the outline of a w×h rectangle at x, y with lines
// thickness pixels wide, inside the rectangle.
func (d *Display) StrokeRect(x, y, w, h, thickness int, c Color) error {
	if err := d.rectArgs("stroke rect", x, y, w, h); err != nil {
		return err
	}
	if thickness < 1 || thickness > (min(w, h)+1)/2 {
		return d.errorf("stroke rect: thickness %d is outside 1–%d for %d×%d: %w", thickness, (min(w, h)+1)/2, w, h, ErrInvalid)
	}
	p := u16(u16(u16(u16(u16(nil, x), y), w), h), int(c))
	return d.command(cmdStrokeRect, append(p, byte(thickness)))
}

func (d *Display) rectArgs(what string, x, y, w, h int) error {
	if w < 1 || h < 1 {
		return d.errorf("%s: empty rectangle %d×%d: %w", what, w, h, ErrInvalid)
	}
	return d.coords(what, x, y, w, h)
}

// QR draws a QR code of text with its top-left corner (quiet zone
// included) at x, y, each module module×module pixels (1–16).
func (d *Display) QR(x, y, module int, level QRLevel, text string) error {
	if module < 1 || module > 16 {
		return d.errorf("qr: module size %d is outside 1–16: %w", module, ErrInvalid)
	}
	if level > QRHigh {
		return d.errorf("qr: error correction level %d is not L, M, Q or H: %w", level, ErrInvalid)
	}
	if text == "" || !utf8.ValidString(text) {
		return d.errorf("qr: content must be non-empty UTF-8: %w", ErrInvalid)
	}
	if err := d.coords("qr", x, y); err != nil {
		return err
	}
	p := u16(u16(make([]byte, 0, 8+len(text)), x), y)
	p = append(p, byte(module), byte(level), 0, 0)
	p = append(p, text...)
	if len(p) > d.limit() {
		return d.errorf("qr: content of %d bytes does not fit one frame (at most %d): %w", len(text), d.limit()-8, ErrTooLarge)
	}
	return d.command(cmdQR, p)
}

// Bitmap1 draws img in two colours: dark pixels (luminance below half, and
// not transparent) in fg, the others in bg.
func (d *Display) Bitmap1(x, y int, img image.Image, fg, bg Color) error {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	stride := (w + 7) / 8
	bits := make([]byte, stride*h)
	for row := 0; row < h; row++ {
		for col := 0; col < w; col++ {
			c := img.At(b.Min.X+col, b.Min.Y+row)
			_, _, _, a := c.RGBA()
			if a >= 0x8000 && color.GrayModel.Convert(c).(color.Gray).Y < 0x80 {
				bits[row*stride+col/8] |= 0x80 >> (col % 8)
			}
		}
	}
	return d.Bitmap1Bits(x, y, w, h, bits, fg, bg)
}

// Bitmap1Bits draws a w×h bitmap given in the wire's layout: rows top to
// bottom, each padded to whole bytes, most significant bit leftmost; 1 bits
// in fg, 0 bits in bg.
func (d *Display) Bitmap1Bits(x, y, w, h int, bits []byte, fg, bg Color) error {
	if err := d.rectArgs("bitmap", x, y, w, h); err != nil {
		return err
	}
	stride := (w + 7) / 8
	if len(bits) != stride*h {
		return d.errorf("bitmap: %d bytes for %d×%d, want %d (%d per row): %w", len(bits), w, h, stride*h, stride, ErrInvalid)
	}
	return d.tiles(cmdBitmap1, x, y, w, h, 12, 0, func(p []byte, tx, ty, tw, th int) []byte {
		p = u16(u16(p, int(fg)), int(bg))
		ts := (tw + 7) / 8
		for r := 0; r < th; r++ {
			start := len(p)
			p = append(p, make([]byte, ts)...)
			row := p[start : start+ts]
			for c := 0; c < tw; c++ {
				sx := tx + c
				if bits[(ty+r)*stride+sx/8]&(0x80>>(sx%8)) != 0 {
					row[c/8] |= 0x80 >> (c % 8)
				}
			}
		}
		return p
	})
}

// BitmapRGB565 draws img in colour.
func (d *Display) BitmapRGB565(x, y int, img image.Image) error {
	b := img.Bounds()
	pix := make([]Color, 0, b.Dx()*b.Dy())
	for row := b.Min.Y; row < b.Max.Y; row++ {
		for col := b.Min.X; col < b.Max.X; col++ {
			pix = append(pix, ColorOf(img.At(col, row)))
		}
	}
	return d.BitmapRGB565Pixels(x, y, b.Dx(), b.Dy(), pix)
}

// BitmapRGB565Pixels draws a w×h image given as w·h colours, row by row.
func (d *Display) BitmapRGB565Pixels(x, y, w, h int, pix []Color) error {
	if err := d.rectArgs("bitmap", x, y, w, h); err != nil {
		return err
	}
	if len(pix) != w*h {
		return d.errorf("bitmap: %d pixels for %d×%d, want %d: %w", len(pix), w, h, w*h, ErrInvalid)
	}
	return d.tiles(cmdBitmap565, x, y, w, h, 8, 16, func(p []byte, tx, ty, tw, th int) []byte {
		for r := 0; r < th; r++ {
			for _, c := range pix[(ty+r)*w+tx : (ty+r)*w+tx+tw] {
				p = u16(p, int(c))
			}
		}
		return p
	})
}

// tiles sends a w×h image as as few frames as fit: whole rows while a row
// fits in a frame, narrower columns when not. bpp 0 means 1 bit per pixel
// with rows padded to bytes. body appends the tile's data after its
// x, y, w, h header.
func (d *Display) tiles(cmd byte, x, y, w, h, head, bpp int, body func(p []byte, tx, ty, tw, th int) []byte) error {
	if err := d.coords("bitmap", x+w-1, y+h-1); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.begin()
	room := d.maxData - head
	var tw, th int
	if bpp == 0 {
		tw = min(w, room*8)
		th = min(h, room/((tw+7)/8))
	} else {
		tw = min(w, room*8/bpp)
		th = min(h, room/(tw*bpp/8))
	}
	if tw < 1 || th < 1 {
		return d.errorf("%s: no room for pixels in a %d-byte frame: %w", cmdName(cmd), d.maxData, ErrTooLarge)
	}
	p := make([]byte, 0, d.maxData)
	for ty := 0; ty < h; ty += th {
		for tx := 0; tx < w; tx += tw {
			cw, ch := min(tw, w-tx), min(th, h-ty)
			p = u16(u16(u16(u16(p[:0], x+tx), y+ty), cw), ch)
			p = body(p, tx, ty, cw, ch)
			if _, err := d.exchange(cmd, p); err != nil {
				return fmt.Errorf("%w (tile at %d,%d of a %d×%d image)", err, tx, ty, w, h)
			}
		}
	}
	d.stats.Commands++
	return nil
}

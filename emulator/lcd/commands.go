package lcd

import (
	"image"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
)

// apply checks one frame's payload and carries it out. It returns the reply
// to send instead of an ACK (INFO only), the event to publish, or a NAK
// reason; a NAKed command leaves the screen untouched.
func (m *Model) apply(f frame) (reply []byte, ev pendingEvent, nak byte) {
	p := f.payload
	switch f.cmd {
	case cmdClear:
		if len(p) != 2 {
			return nil, ev, NakBadPayload
		}
		c := le16(p)
		fill(m.fb, m.fb.Bounds(), rgb565(c))
		m.items = nil
		return nil, pendingEvent{"clear", map[string]any{"color": c}}, 0

	case cmdBacklight:
		if len(p) != 1 || p[0] > 100 {
			return nil, ev, NakBadPayload
		}
		m.backlight = int(p[0])
		return nil, pendingEvent{"frame", map[string]any{"level": m.backlight}}, 0

	case cmdInfo:
		if len(p) != 0 {
			return nil, ev, NakBadPayload
		}
		info := []byte{byte(m.w), byte(m.w >> 8), byte(m.h), byte(m.h >> 8), Depth, Protocol,
			byte(MaxPayload & 0xFF), byte(MaxPayload >> 8)}
		info = append(info, m.fw...)
		return encodeFrame(f.seq, replyInfo, info), pendingEvent{"frame", map[string]any{}}, 0

	case cmdText:
		return m.text(p)

	case cmdFillRect, cmdStrokeRect:
		return m.rect(f.cmd, p)

	case cmdBitmap1:
		if len(p) < 12 {
			return nil, ev, NakBadPayload
		}
		x, y, w, h := le16(p), le16(p[2:]), le16(p[4:]), le16(p[6:])
		stride := (w + 7) / 8
		if w == 0 || h == 0 || len(p) != 12+stride*h {
			return nil, ev, NakBadPayload
		}
		on, off := rgb565(le16(p[8:])), rgb565(le16(p[10:]))
		bits := p[12:]
		r := image.Rect(x, y, x+w, y+h)
		for row := 0; row < h; row++ {
			for col := 0; col < w; col++ {
				c := off
				if bits[row*stride+col/8]&(0x80>>(col%8)) != 0 {
					c = on
				}
				setPixel(m.fb, x+col, y+row, c)
			}
		}
		m.overdraw(r)
		return nil, pendingEvent{"frame", boxDetail(r)}, 0

	case cmdBitmap565:
		if len(p) < 8 {
			return nil, ev, NakBadPayload
		}
		x, y, w, h := le16(p), le16(p[2:]), le16(p[4:]), le16(p[6:])
		if w == 0 || h == 0 || len(p) != 8+2*w*h {
			return nil, ev, NakBadPayload
		}
		px := p[8:]
		r := image.Rect(x, y, x+w, y+h)
		for row := 0; row < h; row++ {
			for col := 0; col < w; col++ {
				setPixel(m.fb, x+col, y+row, rgb565(le16(px[2*(row*w+col):])))
			}
		}
		m.overdraw(r)
		return nil, pendingEvent{"frame", boxDetail(r)}, 0

	case cmdQR:
		return m.qr(p)
	}
	return nil, ev, NakUnknownCmd
}

func boxDetail(r image.Rectangle) map[string]any {
	return map[string]any{"x": r.Min.X, "y": r.Min.Y, "w": r.Dx(), "h": r.Dy()}
}

func (m *Model) text(p []byte) (reply []byte, ev pendingEvent, nak byte) {
	if len(p) < 12 {
		return nil, ev, NakBadPayload
	}
	x, y, bw := le16(p), le16(p[2:]), le16(p[4:])
	size, flags := int(p[6]), p[7]
	align := int(flags>>1) & 3
	if size < 1 || size > 2 || flags&^0x07 != 0 || align == 3 {
		return nil, ev, NakBadPayload
	}
	s := p[12:]
	if !utf8.Valid(s) {
		return nil, ev, NakBadPayload
	}
	for _, r := range string(s) {
		if r < 0x20 || r == 0x7F {
			return nil, ev, NakBadPayload
		}
	}
	fg, bg := rgb565(le16(p[8:])), rgb565(le16(p[10:]))
	inverse := flags&1 != 0
	if inverse {
		fg, bg = bg, fg
	}
	text := string(s)
	box := m.drawText(x, y, bw, size, align, text, fg, bg)
	m.overdraw(box)
	if vis := box.Intersect(m.fb.Bounds()); text != "" && !vis.Empty() {
		m.items = append(m.items, TextItem{X: vis.Min.X, Y: vis.Min.Y, W: vis.Dx(), H: vis.Dy(),
			Text: text, Size: size, Inverse: inverse})
	}
	return nil, pendingEvent{"text", map[string]any{"text": text, "x": x, "y": y, "size": size, "inverse": inverse}}, 0
}

func (m *Model) rect(cmd byte, p []byte) (reply []byte, ev pendingEvent, nak byte) {
	want := 10
	if cmd == cmdStrokeRect {
		want = 11
	}
	if len(p) != want {
		return nil, ev, NakBadPayload
	}
	x, y, w, h := le16(p), le16(p[2:]), le16(p[4:]), le16(p[6:])
	if w == 0 || h == 0 {
		return nil, ev, NakBadPayload
	}
	c := rgb565(le16(p[8:]))
	r := image.Rect(x, y, x+w, y+h)
	if cmd == cmdFillRect {
		fill(m.fb, r, c)
		m.overdraw(r)
		return nil, pendingEvent{"frame", boxDetail(r)}, 0
	}
	t := int(p[10])
	if t < 1 || t > (min(w, h)+1)/2 {
		return nil, ev, NakBadPayload
	}
	edges := []image.Rectangle{
		image.Rect(x, y, x+w, y+t),
		image.Rect(x, y+h-t, x+w, y+h),
		image.Rect(x, y, x+t, y+h),
		image.Rect(x+w-t, y, x+w, y+h),
	}
	for _, e := range edges {
		fill(m.fb, e, c)
		m.overdraw(e)
	}
	d := boxDetail(r)
	d["thickness"] = t
	return nil, pendingEvent{"frame", d}, 0
}

var qrLevels = [...]qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}

func (m *Model) qr(p []byte) (reply []byte, ev pendingEvent, nak byte) {
	if len(p) < 9 {
		return nil, ev, NakBadPayload
	}
	x, y, module, level := le16(p), le16(p[2:]), int(p[4]), int(p[5])
	if module < 1 || module > 16 || level > 3 || p[6] != 0 || p[7] != 0 || !utf8.Valid(p[8:]) {
		return nil, ev, NakBadPayload
	}
	text := string(p[8:])
	q, err := qrcode.New(text, qrLevels[level])
	if err != nil {
		return nil, ev, NakBadPayload
	}
	bits := q.Bitmap() // includes the 4-module quiet zone
	side := len(bits) * module
	r := image.Rect(x, y, x+side, y+side)
	if !r.In(m.fb.Bounds()) {
		return nil, ev, NakBadPayload
	}
	dark, light := rgb565(0x0000), rgb565(0xFFFF)
	for row, line := range bits {
		for col, on := range line {
			c := light
			if on {
				c = dark
			}
			fill(m.fb, image.Rect(x+col*module, y+row*module, x+(col+1)*module, y+(row+1)*module), c)
		}
	}
	m.overdraw(r)
	d := boxDetail(r)
	d["text"] = text
	return nil, pendingEvent{"frame", d}, 0
}

package printer

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// Band kinds: things printed on a line of their own.
const (
	bandRaster = iota
	bandBarcode
	bandQR
)

// band is an image, barcode or QR code on the paper.
type band struct {
	kind   uint8
	y, x   int32
	w, h   int32
	off    int32 // raster: bytes in the roll's image pool
	stride int32 // raster: bytes per row; QR: modules per side
	mx, my int32 // raster: dots per image dot; barcode: module width; QR: module size
	mods   []byte
	hri    string
	hriPos uint8
	font   uint8
	barH   int32
}

// barcode prints GS k data.
func (m *Model) barcode(sys byte, data []byte, off int64) {
	name := barcodeName(sys)
	sym, err := encodeBarcode(sys, data)
	if err != nil {
		m.decodeError(off, fmt.Sprintf("GS k %s %q: %v; not printed", name, data, err))
		return
	}
	dots := int32(m.profile.Dots)
	left := min(m.left, dots-1)
	area := max(min(m.width, dots-left), 1)
	// A barcode wider than the print area is cut off at its edge, as
	// Chinese 58 mm printers do (Epson's print nothing); the record says
	// so, since a reader would not scan it.
	w := int32(len(sym.bars)) * m.barW
	clipped := w > area
	w = min(w, area)
	m.flushLine()
	font := m.hriFont
	hriH := int32(cellAH)
	if font == 1 {
		hriH = cellBH
	}
	h := m.barH
	if m.hri&1 != 0 {
		h += hriH
	}
	if m.hri&2 != 0 {
		h += hriH
	}
	m.fit(h)
	r := m.roll
	b := band{kind: bandBarcode, y: r.height, x: left + alignOffset(area, w, m.align), w: w, h: h,
		mx: m.barW, mods: sym.bars, hri: sym.text, hriPos: m.hri, font: font, barH: m.barH}
	r.bands = append(r.bands, b)
	bc := Barcode{Y: int(b.y), Type: name, Data: sym.text, Clipped: clipped}
	if string(data) != sym.text {
		bc.Raw = string(data)
	}
	r.barcodes = append(r.barcodes, bc)
	r.extra += len(sym.bars) + 2*len(sym.text)
	r.height = min(r.height+h, int32(m.opts.MaxReceiptDots))
	m.touch()
}

// qrFunction is a GS ( k function other than storing data.
func (m *Model) qrFunction(h []byte, off int64) {
	if len(h) < 2 || h[0] != 49 {
		return // PDF417, MaxiCode and the others are accepted, not drawn
	}
	arg := func() (byte, bool) {
		if len(h) < 3 {
			m.decodeError(off, fmt.Sprintf("%s lacks its parameter; ignored", funcName(cGSParen, 'k')))
			return 0, false
		}
		return h[2], true
	}
	switch h[1] {
	case 65: // model
		if n, ok := arg(); ok {
			if n < 49 || n > 51 {
				m.decodeError(off, fmt.Sprintf("GS ( k QR model %d is not 49–51; ignored", n))
				return
			}
			m.qrModel = n
		}
	case 67: // module size
		if n, ok := arg(); ok {
			if n < 1 || n > 16 {
				m.decodeError(off, fmt.Sprintf("GS ( k QR module size %d is not 1–16; ignored", n))
				return
			}
			m.qrSize = int32(n)
		}
	case 69: // error correction
		if n, ok := arg(); ok {
			if n < 48 || n > 51 {
				m.decodeError(off, fmt.Sprintf("GS ( k QR error correction %d is not 48–51; ignored", n))
				return
			}
			m.qrLevel = n
		}
	case 81: // print
		m.printQR(m.qrData, m.qrSize, m.qrLevel-48, off)
	case 82: // size information: not answered
	default:
		m.decodeError(off, fmt.Sprintf("GS ( k QR function %d is not 65, 67, 69, 80, 81 or 82; ignored", h[1]))
	}
}

// zqr is ESC Z m n k dL dH d…: a QR code printed at once (Zjiang and
// similar printers); n is the level (0–3 or L, M, Q, H), k the module size.
func (m *Model) zqr(par []byte, data []byte, off int64) {
	level := par[1]
	switch level {
	case 'L', 'l':
		level = 0
	case 'M', 'm':
		level = 1
	case 'Q', 'q':
		level = 2
	case 'H', 'h':
		level = 3
	}
	size := int32(par[2])
	if level > 3 || size < 1 || size > 16 {
		m.decodeError(off, fmt.Sprintf("ESC Z level %d, module size %d out of range; not printed", par[1], par[2]))
		return
	}
	m.printQR(data, size, level, off)
}

// printQR prints data as a QR code of the given module size and error
// correction level (0 L … 3 H). Nothing stored prints nothing.
func (m *Model) printQR(data []byte, size int32, level byte, off int64) {
	if len(data) == 0 {
		return
	}
	q, err := qrcode.New(string(data), [4]qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}[level&3])
	if err != nil {
		m.decodeError(off, fmt.Sprintf("QR code of %d bytes: %v; not printed", len(data), err))
		return
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := int32(len(bm))
	dots := int32(m.profile.Dots)
	left := min(m.left, dots-1)
	area := max(min(m.width, dots-left), 1)
	w := n * size
	if w > area {
		m.decodeError(off, fmt.Sprintf("QR code is %d dots wide, more than the %d-dot print area; not printed", w, area))
		return
	}
	m.flushLine()
	m.fit(w)
	mods := make([]byte, 0, n*n)
	for _, row := range bm {
		for _, dark := range row {
			v := byte(0)
			if dark {
				v = 1
			}
			mods = append(mods, v)
		}
	}
	r := m.roll
	r.bands = append(r.bands, band{kind: bandQR, y: r.height, x: left + alignOffset(area, w, m.align), w: w, h: w, stride: n, mx: size, mods: mods})
	r.qr = append(r.qr, string(data))
	r.extra += len(mods) + len(data)
	r.height = min(r.height+w, int32(m.opts.MaxReceiptDots))
	m.touch()
}

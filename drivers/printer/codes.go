package printer

import (
	"image"
)

// Symbology is a 1D barcode type, by its GS k form-B number.
type Symbology byte

// Barcode types.
const (
	CODE128 Symbology = 73
	EAN13   Symbology = 67
)

// Barcode layout: HRI digits below the bars, 80 dots high, 2-dot modules
// (a 20-digit CODE128 B fits 58 mm paper).
const (
	barcodeHeight = 80
	barcodeModule = 2
	hriBelow      = 2
)

// Barcode prints a 1D barcode with its human-readable line below it,
// using the counted form (GS k m n d…): CODE128 in code set B (printable
// ASCII; the driver adds the {B prefix and doubles a literal '{'), or EAN13
// (12 digits, or 13 with a correct check digit).
func (d *Document) Barcode(sym Symbology, data string, opts ...Option) *Document {
	st := styleOf(opts)
	var payload []byte
	switch sym {
	case CODE128:
		if data == "" {
			return d.fail("CODE128 with no data")
		}
		payload = append(payload, '{', 'B')
		for i := 0; i < len(data); i++ {
			c := data[i]
			if c < 0x20 || c > 0x7E {
				return d.fail("CODE128 B cannot encode byte 0x%02X in %q", c, data)
			}
			if c == '{' {
				payload = append(payload, '{')
			}
			payload = append(payload, c)
		}
	case EAN13:
		if !ean13OK(data) {
			return d.fail("EAN13 %q: want 12 digits, or 13 with a correct check digit", data)
		}
		payload = []byte(data[:12])
	default:
		return d.fail("barcode type %d", sym)
	}
	if len(payload) > 255 {
		return d.fail("barcode data of %d bytes (255 at most)", len(payload))
	}
	body := []byte{gs, 'H', hriBelow, gs, 'h', barcodeHeight, gs, 'w', barcodeModule, gs, 'k', byte(sym), byte(len(payload))}
	body = append(body, payload...)
	return d.add(Segment{Kind: KindBarcode, Text: data, style: st, body: body})
}

func ean13OK(s string) bool {
	if len(s) != 12 && len(s) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	if len(s) == 12 {
		return true
	}
	return s[12] == byte('0'+(10-sum%10)%10)
}

// ECLevel is a QR error correction level (GS ( k … 31 45 n).
type ECLevel byte

// QR error correction levels; the zero value means ECMedium.
const (
	ECLow      ECLevel = 48
	ECMedium   ECLevel = 49
	ECQuartile ECLevel = 50
	ECHigh     ECLevel = 51
)

// maxQRData is the most a QR store command may carry.
const maxQRData = 7089

// QR prints a model 2 QR code of data with modules of size dots (1–16;
// 0 means 6) at error correction level (0 means ECMedium): model, size,
// level, store, print, as GS ( k function 165, 167, 169, 180, 181.
func (d *Document) QR(data string, size int, level ECLevel, opts ...Option) *Document {
	st := styleOf(opts)
	if size == 0 {
		size = 6
	}
	if level == 0 {
		level = ECMedium
	}
	switch {
	case data == "":
		return d.fail("QR code with no data")
	case len(data) > maxQRData:
		return d.fail("QR data of %d bytes (%d at most)", len(data), maxQRData)
	case size < 1 || size > 16:
		return d.fail("QR module size %d (1–16)", size)
	case level < ECLow || level > ECHigh:
		return d.fail("QR error level %d (48–51)", level)
	}
	n := len(data) + 3
	body := make([]byte, 0, 32+len(data))
	body = append(body,
		gs, '(', 'k', 4, 0, 49, 65, 50, 0, // model 2
		gs, '(', 'k', 3, 0, 49, 67, byte(size),
		gs, '(', 'k', 3, 0, 49, 69, byte(level),
		gs, '(', 'k', byte(n), byte(n>>8), 49, 80, 48)
	body = append(body, data...)
	body = append(body, gs, '(', 'k', 3, 0, 49, 81, 48)
	return d.add(Segment{Kind: KindQR, Text: data, style: st, body: body})
}

// imageBand is how many dot rows one image segment carries: one text
// line's height, so progress is counted in lines for images too and no
// band comes near a printer's receive buffer.
const imageBand = 24

// Image prints img as a 1-bit raster (GS v 0), dark pixels black:
// thresholded at half luminance, or with Floyd–Steinberg error diffusion
// when Dithered is given. Transparent pixels count as white paper. An
// image wider than the head is clipped on the right. Alignment options
// place it.
func (d *Document) Image(img image.Image, opts ...Option) *Document {
	st := styleOf(opts)
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > d.paper.Dots {
		w = d.paper.Dots
	}
	if w <= 0 || h <= 0 {
		return d.fail("empty image (%dx%d)", b.Dx(), b.Dy())
	}
	dark := toBits(img, w, st.Dither)
	xb := (w + 7) / 8
	for y0 := 0; y0 < h; y0 += imageBand {
		rows := min(imageBand, h-y0)
		body := make([]byte, 0, 8+xb*rows)
		body = append(body, gs, 'v', '0', 0, byte(xb), byte(xb>>8), byte(rows), byte(rows>>8))
		for y := y0; y < y0+rows; y++ {
			row := dark[y*w : (y+1)*w]
			for x := 0; x < xb*8; x += 8 {
				var v byte
				for bit := 0; bit < 8 && x+bit < w; bit++ {
					if row[x+bit] {
						v |= 0x80 >> bit
					}
				}
				body = append(body, v)
			}
		}
		st.Dither = false
		d.add(Segment{Kind: KindImage, style: st, body: body})
	}
	return d
}

// toBits returns w×h dark flags, row-major, for the left w columns.
func toBits(img image.Image, w int, dither bool) []bool {
	b := img.Bounds()
	h := b.Dy()
	lum := make([]int32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			// Premultiplied colour over white paper.
			v := (299*int32(r)+587*int32(g)+114*int32(bl))/1000 + (0xFFFF - int32(a))
			lum[y*w+x] = v >> 8
		}
	}
	dark := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			old := lum[i]
			isDark := old < 128
			dark[i] = isDark
			if !dither {
				continue
			}
			nv := int32(255)
			if isDark {
				nv = 0
			}
			e := old - nv
			if x+1 < w {
				lum[i+1] += e * 7 / 16
			}
			if y+1 < h {
				if x > 0 {
					lum[i+w-1] += e * 3 / 16
				}
				lum[i+w] += e * 5 / 16
				if x+1 < w {
					lum[i+w+1] += e / 16
				}
			}
		}
	}
	return dark
}

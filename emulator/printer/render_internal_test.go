package printer

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/posemu/posemu/profile"
)

// slipWithCodes is a 40-line slip with a QR code and a barcode.
func slipWithCodes() []byte {
	var b bytes.Buffer
	b.WriteString("\x1b@\x1ba\x01\x1d!\x11\x1bE\x01POS SALES SLIP\n\x1d!\x00\x1bE\x00\x1ba\x00")
	for i := range 36 {
		fmt.Fprintf(&b, "ITEM %02d %-14s %6d.%02d\n", i, "DESCRIPTION", i*3, i%100)
	}
	qr := "https://qr.alipay.com/bax03431ljhokirwl38f00a7"
	fmt.Fprintf(&b, "\x1d(k%c\x001P0%s\x1d(k\x03\x001Q0", len(qr)+3, qr)
	b.WriteString("\x1dH\x02\x1dkI\x08{B000123\x1dV\x01")
	return b.Bytes()
}

// BenchmarkRenderPNG draws and encodes a receipt, as the first GET
// /api/v1/printer/receipts/{id}.png of each receipt does.
func BenchmarkRenderPNG(b *testing.B) {
	m := New(profile.Default().Printer, nil, nil)
	m.Feed(slipWithCodes())
	r := m.done[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodePNG(m.render(r)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
}

func TestEncodePNGRoundTrip(t *testing.T) {
	m := New(profile.Default().Printer, nil, nil)
	m.Feed(slipWithCodes())
	if len(m.done) != 1 || len(m.done[0].qr) != 1 || len(m.done[0].barcodes) != 1 || len(m.errs) != 0 {
		t.Fatalf("the slip did not print as meant: %d receipts, errors %v", len(m.done), m.errs)
	}
	img := m.render(m.done[0])
	data, err := encodePNG(img)
	if err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if back.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, want %v", back.Bounds(), img.Bounds())
	}
	pal, ok := back.(*image.Paletted)
	if !ok {
		t.Fatalf("decoded a %T, want *image.Paletted", back)
	}
	for i, c := range img.Palette {
		if !sameColor(pal.Palette[i], c) {
			t.Fatalf("palette[%d] is %v, want %v", i, pal.Palette[i], c)
		}
	}
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			if got, want := pal.ColorIndexAt(x, y), img.ColorIndexAt(x, y); got != want {
				t.Fatalf("pixel (%d,%d) is %d, want %d", x, y, got, want)
			}
		}
	}
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

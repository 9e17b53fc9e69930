package printer_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

// FuzzDecode feeds any bytes to the printer, whole and split at places the
// input chooses, and checks that nothing panics, that both ways give the
// same paper, and that memory stays bounded: no receipt longer than the
// limit, no more receipts than kept, no image wider than the paper. The
// seeds are the third-party fixtures, the golden receipts' streams and a
// few hand-made edge cases.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.bin"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data, uint16(7))
		}
	}
	for _, g := range goldens {
		f.Add(g.stream(), uint16(13))
	}
	f.Add(kitchenSinkRaw(), uint16(3))
	f.Add([]byte{0x1D, 0x76, 0x30, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0x04, 0x01}, uint16(1))
	f.Add([]byte{0x1D, 0x28, 0x6B, 0xFF, 0xFF, 0x31, 0x50, 0x30, 'x'}, uint16(2))
	f.Add([]byte{0x1B, 0x33, 0x00, '\n', '\n', '\n', 0x1D, 0x21, 0x77, 'W', '\n'}, uint16(5))
	f.Add([]byte{0x1C, 0x26, 0xB0, 0x10, 0x04, 0x04, 0xFF, 0x80, 0x1C, 0x2E, 0xFF}, uint16(4))
	f.Add([]byte{0x1B, 0x26, 0x03, 0x20, 0x7E, 0x0C}, uint16(9))

	pr := profile.Default().Printer
	opts := printer.Options{MaxReceiptDots: 3000, MaxReceipts: 8, MaxKeptBytes: 1 << 20, Clock: clock.NewVirtual(epoch)}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		whole := printer.NewWithOptions(pr, nil, nil, opts)
		whole.Feed(data)
		parts := printer.NewWithOptions(pr, nil, nil, opts)
		step := int(split%64) + 1
		for i := 0; i < len(data); i += step {
			parts.Feed(data[i:min(i+step, len(data))])
		}
		rs := whole.Receipts()
		if got := parts.Receipts(); !reflect.DeepEqual(rs, got) {
			t.Fatalf("split every %d bytes gave other receipts", step)
		}
		if len(rs) > opts.MaxReceipts+1 {
			t.Fatalf("%d receipts kept, limit %d", len(rs), opts.MaxReceipts)
		}
		for _, r := range rs {
			if r.Height > opts.MaxReceiptDots {
				t.Fatalf("receipt %d is %d dots long, limit %d", r.ID, r.Height, opts.MaxReceiptDots)
			}
			for _, im := range r.Images {
				if im.X < 0 || im.X+im.Width > pr.Dots {
					t.Fatalf("image %+v sticks out of the %d-dot paper", im, pr.Dots)
				}
			}
		}
		if len(rs) > 0 {
			last := rs[len(rs)-1]
			img, err := whole.Raster(last.ID)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Dx() != pr.Dots || img.Bounds().Dy() != max(last.Height, 1) {
				t.Fatalf("raster %v for a %d×%d receipt", img.Bounds(), pr.Dots, last.Height)
			}
		}
	})
}

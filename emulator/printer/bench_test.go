package printer_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

// textReceipt is a text-heavy slip as a POS terminal prints it: label and
// value lines, some Chinese, styles, alignment, a cut.
func textReceipt() []byte {
	var b bytes.Buffer
	b.Write(escInit)
	b.Write(cat(centre, gsSize(2, 2), boldOn, gbOn, gb("签购单"), "\n", gsSize(1, 1), boldOff, left))
	for i := range 30 {
		fmt.Fprintf(&b, "ITEM %02d %-14s %6d.%02d\n", i, "DESCRIPTION", i*3, i%100)
	}
	b.Write(cat(gb("商户名称"), " POSEMU TEST MERCHANT\n", gb("金额"), " AMOUNT       RMB 128.50\n"))
	b.Write(cat(ulOn, "SIGNATURE", ulOff, "\n", []byte{0x1B, 0x64, 3}, partCut))
	return b.Bytes()
}

// imageReceipt is an image-heavy slip: a 384×200 logo as GS v 0, a
// 24-dot ESC * band picture, a line of text, a cut.
func imageReceipt() []byte {
	var b bytes.Buffer
	b.Write(escInit)
	logo := raster(48, 200, 0)
	for i := 8; i < len(logo); i++ {
		logo[i] = byte(i * 7)
	}
	b.Write(logo)
	b.Write([]byte{0x1B, 0x33, 24})
	for band := range 8 {
		b.Write([]byte{0x1B, 0x2A, 33, 128, 1})
		for i := range 384 * 3 {
			b.WriteByte(byte(i + band))
		}
		b.WriteByte('\n')
	}
	b.Write(cat([]byte{0x1B, 0x32}, "THANK YOU\n", fullCut))
	return b.Bytes()
}

func benchDecode(b *testing.B, receipt []byte) {
	stream := bytes.Repeat(receipt, max(1, (1<<20)/len(receipt)))
	// No bus: this measures the printer; what the bus does with the
	// "receipt" event of every cut is the bus's own cost.
	p := printer.New(profile.Default().Printer, nil, nil)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		p.Feed(stream)
	}
}

// BenchmarkDecodeText is the printer's throughput on text-heavy slips:
// decode, compose lines, lay them out on the roll (drawing dots waits for
// Raster/PNG).
func BenchmarkDecodeText(b *testing.B) { benchDecode(b, textReceipt()) }

// BenchmarkDecodeImage is the throughput on image-heavy slips.
func BenchmarkDecodeImage(b *testing.B) { benchDecode(b, imageReceipt()) }

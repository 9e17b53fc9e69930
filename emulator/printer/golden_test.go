package printer_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/printer"
)

// goldenDir holds the PNGs receipts must render to, dot for dot.
// POSEMU_UPDATE_GOLDEN=1 go test ./emulator/printer/ rewrites them; look at
// the diff before committing it.
const goldenDir = "../../fixtures/golden/receipts"

func lakalaSlip() []byte {
	return cat(escInit,
		centre, gsSize(2, 2), boldOn, gb("签购单"), "\n", gsSize(1, 1), boldOff,
		"POS SALES SLIP\n", left,
		gb("商户名称:测试商户"), "\n",
		gb("商户编号:"), "123456789012345\n",
		gb("终端编号:"), "12345678  ", gb("操作员:"), "01\n",
		gb("卡号:"), "622202******1234\n",
		gb("交易类型:消费"), " SALE\n",
		gb("批次号:"), "000001  ", gb("凭证号:"), "000123\n",
		gb("日期时间:"), "2026/11/26 09:30:00\n",
		"--------------------------------\n",
		boldOn, gsSize(1, 2), gb("金额:"), "RMB 128.50\n", gsSize(1, 1), boldOff,
		"--------------------------------\n",
		centre, qrSize(5), qrPayload("https://qr.alipay.com/bax03431ljhokirwl38f00a7"), qrPrint, "\n",
		[]byte{0x1D, 0x48, 0x02, 0x1D, 0x68, 60, 0x1D, 0x77, 2, 0x1D, 0x6B, 73, 8}, "{B000123", "\n", left,
		gb("持卡人签名:"), "\n\n\n", ulOn, "                                ", ulOff, "\n",
		centre, gb("商户存根"), " MERCHANT COPY\n",
		[]byte{0x1D, 0x56, 66, 40},
	)
}

func stylesSlip() []byte {
	return cat(escInit,
		"plain font A 12x24\n",
		[]byte{0x1B, 0x4D, 0x01}, "font B 9x17, 42 columns a line\n", []byte{0x1B, 0x4D, 0x00},
		boldOn, "bold (ESC E)\n", boldOff,
		ulOn, "underline 1", ulOff, " ", []byte{0x1B, 0x2D, 0x02}, "underline 2", ulOff, "\n",
		invOn, " reverse (GS B) ", invOff, "\n",
		[]byte{0x1B, 0x21, 0x10}, "ESC ! double height\n", []byte{0x1B, 0x21, 0x20}, "ESC ! wide\n", []byte{0x1B, 0x21, 0x00},
		gsSize(3, 3), "3x3", gsSize(1, 4), "1x4", gsSize(4, 1), "4x1\n", gsSize(1, 1),
		centre, "centred\n", right, "right\n", left,
		gb("中文"), []byte{0x1C, 0x21, 0x04}, gb("倍宽"), []byte{0x1C, 0x21, 0x08}, gb("倍高"), []byte{0x1C, 0x57, 0x01}, gb("四倍"), []byte{0x1C, 0x57, 0x00}, "\n",
		[]byte{0x1C, 0x53, 4, 4}, gb("字间距"), []byte{0x1C, 0x53, 0, 0}, []byte{0x1B, 0x20, 4}, " spaced", []byte{0x1B, 0x20, 0}, "\n",
		"tab\tstops\tat 8\n", "A", []byte{0x1B, 0x24, 0, 1}, "@256", []byte{0x1B, 0x5C, 0xE8, 0xFF}, "<\n",
		[]byte{0x1B, 0x33, 50}, "line spacing 50\n", []byte{0x1B, 0x32},
		gbOff, []byte{0x1B, 0x74, 0x00}, "PC437: caf\x82 \xb0\xb1\xb2 \xc9\xcd\xbb\n", gbOn,
		[]byte{0x1D, 0x4C, 48, 0}, "left margin 48\n", []byte{0x1D, 0x4C, 0, 0},
		fullCut,
	)
}

func imagesSlip() []byte {
	checker := []byte{0x1D, 0x76, 0x30, 0x00, 8, 0, 32, 0}
	for y := range 32 {
		for range 8 {
			if y/4%2 == 0 {
				checker = append(checker, 0xF0)
			} else {
				checker = append(checker, 0x0F)
			}
		}
	}
	ramp := []byte{0x1D, 0x76, 0x30, 0x03, 4, 0, 16, 0} // quadruple
	for y := range 16 {
		for x := range 4 {
			ramp = append(ramp, byte(0xFF<<uint((x*2+y/2)%8)))
		}
	}
	bands := []byte{0x1B, 0x33, 24}
	for b := range 3 {
		bands = append(bands, 0x1B, 0x2A, 33, 96, 0)
		for c := range 96 {
			bands = append(bands, byte(c*3+b), byte(0xFF>>uint(c%8)), byte(c))
		}
		bands = append(bands, '\n')
	}
	gfx := []byte{0x1D, 0x28, 0x4C, 10 + 4*20, 0, 0x30, 0x70, 0x30, 2, 2, 0x31, 32, 0, 20, 0}
	for i := range 4 * 20 {
		gfx = append(gfx, byte(i*37))
	}
	return cat(escInit, checker, centre, ramp, right, bands, []byte{0x1B, 0x32}, left,
		[]byte{0x1B, 0x2A, 0, 40, 0}, bytes.Repeat([]byte{0xAA}, 40), []byte{0x1B, 0x2A, 1, 40, 0}, bytes.Repeat([]byte{0x55}, 40), "\n",
		centre, gfx, []byte{0x1D, 0x28, 0x4C, 2, 0, 0x30, 0x32}, "images\n", partCut)
}

func barcodesSlip() []byte {
	b := cat(escInit, []byte{0x1D, 0x68, 48, 0x1D, 0x77, 2})
	for i, code := range [][]byte{
		cat([]byte{0x1D, 0x6B, 73, 10}, "{BPOS-1234"),
		cat([]byte{0x1D, 0x6B, 2}, "690123456789", 0),
		cat([]byte{0x1D, 0x6B, 0}, "03600029145", 0),
		cat([]byte{0x1D, 0x6B, 3}, "9638507", 0),
		cat([]byte{0x1D, 0x6B, 4}, "POS-39", 0),
		cat([]byte{0x1D, 0x6B, 70, 8}, "12345678"),
		cat([]byte{0x1D, 0x6B, 71, 6}, "A1234B"),
	} {
		b = cat(b, []byte{0x1B, 0x61, byte(i % 3), 0x1D, 0x48, byte(i % 4), 0x1D, 0x66, byte(i % 2)}, code, "\n")
	}
	return cat(b, fullCut)
}

var goldens = []struct {
	name   string
	stream func() []byte
}{
	{"lakala-slip", lakalaSlip},
	{"styles", stylesSlip},
	{"images", imagesSlip},
	{"barcodes", barcodesSlip},
}

var _ = Describe("golden receipts", func() {
	update := os.Getenv("POSEMU_UPDATE_GOLDEN") == "1"

	for _, g := range goldens {
		It("renders "+g.name+" dot for dot as fixtures/golden/receipts/"+g.name+".png", func() {
			p := newRig(printer.Options{})
			p.Feed(g.stream())
			Expect(p.DecodeErrors()).To(BeEmpty())
			rs := p.Receipts()
			Expect(rs).To(HaveLen(1))
			Expect(rs[0].Cut).NotTo(BeEmpty())
			got, err := p.Raster(rs[0].ID)
			Expect(err).NotTo(HaveOccurred())
			file := filepath.Join(goldenDir, g.name+".png")
			if update {
				data, err := p.PNG(rs[0].ID)
				Expect(err).NotTo(HaveOccurred())
				Expect(os.MkdirAll(goldenDir, 0o755)).To(Succeed())
				Expect(os.WriteFile(file, data, 0o644)).To(Succeed())
			}
			data, err := os.ReadFile(file)
			Expect(err).NotTo(HaveOccurred(), "no golden file: run with POSEMU_UPDATE_GOLDEN=1")
			want, err := png.Decode(bytes.NewReader(data))
			Expect(err).NotTo(HaveOccurred())
			Expect(diffDots(got, want)).To(BeEmpty())
		})
	}
})

// diffDots compares two receipts dot for dot (black or not); it describes
// the first differences.
func diffDots(got *image.Paletted, want image.Image) string {
	if got.Bounds() != want.Bounds() {
		return fmt.Sprintf("size %v, golden %v", got.Bounds().Size(), want.Bounds().Size())
	}
	var out []string
	n := 0
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, _, _, _ := want.At(x, y).RGBA()
			if (got.ColorIndexAt(x, y) == 1) != (r < 0x8000) {
				if n++; len(out) < 5 {
					out = append(out, fmt.Sprintf("(%d,%d)", x, y))
				}
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d dots differ, first at %v", n, out)
}

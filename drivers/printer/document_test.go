package printer_test

import (
	"image"
	"image/color"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/printer"
)

// encoded is the document's bytes without the leading ESC @.
func encoded(d *printer.Document) []byte {
	b, err := d.Bytes()
	Expect(err).NotTo(HaveOccurred())
	Expect(b[:2]).To(Equal([]byte{0x1B, 0x40}))
	return b[2:]
}

func doc() *printer.Document { return printer.NewDocument(printer.Paper58) }

var _ = Describe("the document builder", func() {
	DescribeTable("encodes each command to its exact bytes",
		func(build func(*printer.Document), want []byte) {
			d := doc()
			build(d)
			Expect(encoded(d)).To(Equal(want))
		},
		Entry("plain text", func(d *printer.Document) { d.Text("Hi") }, []byte("Hi\n")),
		Entry("bold, then back to normal", func(d *printer.Document) { d.Text("B", printer.Bold).Text("n") },
			[]byte{0x1B, 0x45, 1, 'B', 0x0A, 0x1B, 0x45, 0, 'n', 0x0A}),
		Entry("underline", func(d *printer.Document) { d.Text("U", printer.Underline) },
			[]byte{0x1B, 0x2D, 1, 'U', 0x0A}),
		Entry("double width (GS !)", func(d *printer.Document) { d.Text("W", printer.DoubleWidth) },
			[]byte{0x1D, 0x21, 0x10, 'W', 0x0A}),
		Entry("double height (GS !)", func(d *printer.Document) { d.Text("H", printer.DoubleHeight) },
			[]byte{0x1D, 0x21, 0x01, 'H', 0x0A}),
		Entry("double size, then normal", func(d *printer.Document) { d.Text("S", printer.DoubleSize).Text("s") },
			[]byte{0x1D, 0x21, 0x11, 'S', 0x0A, 0x1D, 0x21, 0x00, 's', 0x0A}),
		Entry("size 3×4", func(d *printer.Document) { d.Text("Z", printer.Size(3, 4)) },
			[]byte{0x1D, 0x21, 0x23, 'Z', 0x0A}),
		Entry("centred, then right, then left", func(d *printer.Document) {
			d.Text("c", printer.Centered).Text("r", printer.RightAligned).Text("l")
		}, []byte{0x1B, 0x61, 1, 'c', 0x0A, 0x1B, 0x61, 2, 'r', 0x0A, 0x1B, 0x61, 0, 'l', 0x0A}),
		Entry("only the modes that change", func(d *printer.Document) { d.Text("a", printer.Bold).Text("b", printer.Bold) },
			[]byte{0x1B, 0x45, 1, 'a', 0x0A, 'b', 0x0A}),
		Entry("Chinese in FS & … FS .", func(d *printer.Document) { d.Text("金额") },
			[]byte{0x1C, 0x26, 0xBD, 0xF0, 0xB6, 0xEE, 0x1C, 0x2E, 0x0A}),
		Entry("mixed Chinese and ASCII", func(d *printer.Document) { d.Text("金额 AMOUNT") },
			append(append([]byte{0x1C, 0x26, 0xBD, 0xF0, 0xB6, 0xEE}, " AMOUNT"...), 0x1C, 0x2E, 0x0A)),
		Entry("¥ as the full-width ￥ (A3 A4)", func(d *printer.Document) { d.Text("¥1") },
			[]byte{0x1C, 0x26, 0xA3, 0xA4, '1', 0x1C, 0x2E, 0x0A}),
		Entry("a character outside 2-byte GB as ?", func(d *printer.Document) { d.Text("😀") }, []byte("?\n")),
		Entry("control characters dropped (no stray DLE EOT)", func(d *printer.Document) { d.Text("a\x10\x04\x01b\tc") },
			[]byte("ab c\n")),
		Entry("feed", func(d *printer.Document) { d.Feed(3) }, []byte{0x1B, 0x64, 3}),
		Entry("partial cut after feeding to the cutter", func(d *printer.Document) { d.Cut(printer.PartialCut) },
			[]byte{0x1D, 0x56, 66, 0}),
		Entry("full cut after feeding to the cutter", func(d *printer.Document) { d.Cut(printer.FullCut) },
			[]byte{0x1D, 0x56, 65, 0}),
		Entry("drawer pulse", func(d *printer.Document) { d.Drawer(0) }, []byte{0x1B, 0x70, 0, 25, 250}),
		Entry("CODE128 form B with {B and HRI below", func(d *printer.Document) { d.Barcode(printer.CODE128, "AB{1") },
			[]byte{0x1D, 0x48, 2, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 73, 7, '{', 'B', 'A', 'B', '{', '{', '1'}),
		Entry("EAN13 of 13 digits sends 12", func(d *printer.Document) { d.Barcode(printer.EAN13, "6920000000012") },
			append([]byte{0x1D, 0x48, 2, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 67, 12}, "692000000001"...)),
		Entry("centred barcode", func(d *printer.Document) { d.Barcode(printer.CODE128, "1", printer.Centered) },
			[]byte{0x1B, 0x61, 1, 0x1D, 0x48, 2, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 73, 3, '{', 'B', '1'}),
		Entry("QR: model 2, size, level, store, print", func(d *printer.Document) { d.QR("AB", 0, 0) }, []byte{
			0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0,
			0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6,
			0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49,
			0x1D, 0x28, 0x6B, 5, 0, 49, 80, 48, 'A', 'B',
			0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48}),
		Entry("QR size 8 level H", func(d *printer.Document) { d.QR("x", 8, printer.ECHigh) }, []byte{
			0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0,
			0x1D, 0x28, 0x6B, 3, 0, 49, 67, 8,
			0x1D, 0x28, 0x6B, 3, 0, 49, 69, 51,
			0x1D, 0x28, 0x6B, 4, 0, 49, 80, 48, 'x',
			0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48}),
		Entry("raster image, dark pixels set, MSB first", func(d *printer.Document) {
			img := image.NewGray(image.Rect(0, 0, 10, 2))
			for i := range img.Pix {
				img.Pix[i] = 0xFF
			}
			img.SetGray(0, 0, color.Gray{0})
			img.SetGray(9, 1, color.Gray{0x40})
			d.Image(img)
		}, []byte{0x1D, 0x76, 0x30, 0, 2, 0, 2, 0, 0x80, 0x00, 0x00, 0x40}),
	)

	It("counts transparent pixels as white paper", func() {
		img := image.NewNRGBA(image.Rect(0, 0, 8, 1)) // all transparent black
		img.Set(1, 0, color.NRGBA{0, 0, 0, 255})
		Expect(encoded(doc().Image(img))).To(Equal([]byte{0x1D, 0x76, 0x30, 0, 1, 0, 1, 0, 0x40}))
	})

	It("clips an image to the head width and bands it by 24 dot rows", func() {
		img := image.NewGray(image.Rect(0, 0, 400, 50)) // black
		d := doc().Image(img)
		Expect(d.Len()).To(Equal(3))
		segs := d.Segments()
		for _, s := range segs {
			Expect(s.Kind).To(Equal(printer.KindImage))
		}
		b := encoded(d)
		Expect(b[:8]).To(Equal([]byte{0x1D, 0x76, 0x30, 0, 48, 0, 24, 0}))
		Expect(len(b)).To(Equal(3*8 + 48*50))
		Expect(b[len(b)-48-8-48 : len(b)-48]).To(ContainElement(byte(0xFF)))
	})

	It("dithers a mid-grey image to about half dark dots", func() {
		img := image.NewGray(image.Rect(0, 0, 64, 24))
		for i := range img.Pix {
			img.Pix[i] = 0x80
		}
		b := encoded(doc().Image(img, printer.Dithered))[8:]
		dark := 0
		for _, v := range b {
			for ; v != 0; v &= v - 1 {
				dark++
			}
		}
		Expect(dark).To(BeNumerically("~", 64*24/2, 64*24/10))
		Expect(encoded(doc().Image(img))[8:]).To(HaveEach(byte(0x00)), "thresholded at half, 0x80 is light")
	})

	Describe("line layout", func() {
		It("wraps at the paper width, counting Chinese as two columns", func() {
			Expect(doc().Text(strings.Repeat("a", 40)).Lines()).To(Equal([]string{strings.Repeat("a", 32), strings.Repeat("a", 8)}))
			Expect(doc().Text(strings.Repeat("中", 20)).Lines()).To(Equal([]string{strings.Repeat("中", 16), strings.Repeat("中", 4)}))
			Expect(doc().Text("a" + strings.Repeat("中", 16)).Lines()).To(Equal([]string{"a" + strings.Repeat("中", 15), "中"}))
			Expect(printer.NewDocument(printer.Paper80).Text(strings.Repeat("a", 48)).Len()).To(Equal(1))
		})

		It("wraps double-width text at half the columns", func() {
			Expect(doc().Text(strings.Repeat("a", 20), printer.DoubleWidth).Lines()).To(Equal([]string{strings.Repeat("a", 16), "aaaa"}))
		})

		It("splits at newlines, one segment per printed line", func() {
			d := doc().Text("one\ntwo\r\n\nfour")
			Expect(d.Lines()).To(Equal([]string{"one", "two", "", "four"}))
			Expect(d.Len()).To(Equal(4))
		})

		It("measures width with CJK double", func() {
			Expect(printer.Width("金额 AMOUNT")).To(Equal(11))
			Expect(printer.Width("¥12.50")).To(Equal(7))
		})

		It("fits a label and a value on one line", func() {
			d := doc().Columns("金额 AMOUNT", "¥12.50")
			Expect(d.Lines()).To(Equal([]string{"金额 AMOUNT" + strings.Repeat(" ", 14) + "￥12.50"}))
			Expect(printer.Width(d.Lines()[0])).To(Equal(32))
			b := encoded(d)
			Expect(b[:2]).To(Equal([]byte{0x1C, 0x26}))
			Expect(b[len(b)-3:]).To(Equal([]byte{0x1C, 0x2E, 0x0A}))
		})

		It("fits columns in double width at half the columns", func() {
			d := doc().Columns("TOTAL", "12.50", printer.DoubleWidth)
			Expect(d.Lines()).To(Equal([]string{"TOTAL      12.50"}))
			Expect(encoded(d)[:3]).To(Equal([]byte{0x1D, 0x21, 0x10}))
		})

		It("puts the value on its own right-aligned line when both do not fit", func() {
			label := "商户名称 " + strings.Repeat("测", 11) // 9 + 22 = 31 columns
			d := doc().Columns(label, "12345678")
			Expect(d.Lines()).To(Equal([]string{label, strings.Repeat(" ", 24) + "12345678"}))
		})

		It("draws a rule across the paper", func() {
			Expect(doc().Rule().Lines()).To(Equal([]string{strings.Repeat("-", 32)}))
		})
	})

	Describe("invalid arguments", func() {
		DescribeTable("are kept as the document's error",
			func(build func(*printer.Document)) {
				d := doc().Text("before")
				build(d)
				d.Text("after")
				Expect(d.Err()).To(MatchError(printer.ErrInvalid))
				_, err := d.Bytes()
				Expect(err).To(MatchError(printer.ErrInvalid))
				Expect(d.Lines()).To(Equal([]string{"before"}))
			},
			Entry("feed 0", func(d *printer.Document) { d.Feed(0) }),
			Entry("feed 256", func(d *printer.Document) { d.Feed(256) }),
			Entry("bad cut", func(d *printer.Document) { d.Cut(7) }),
			Entry("drawer pin 2", func(d *printer.Document) { d.Drawer(2) }),
			Entry("CODE128 with a control byte", func(d *printer.Document) { d.Barcode(printer.CODE128, "a\nb") }),
			Entry("CODE128 empty", func(d *printer.Document) { d.Barcode(printer.CODE128, "") }),
			Entry("EAN13 wrong check digit", func(d *printer.Document) { d.Barcode(printer.EAN13, "6920000000013") }),
			Entry("EAN13 letters", func(d *printer.Document) { d.Barcode(printer.EAN13, "69200000000a") }),
			Entry("QR empty", func(d *printer.Document) { d.QR("", 0, 0) }),
			Entry("QR size 17", func(d *printer.Document) { d.QR("x", 17, 0) }),
			Entry("QR too long", func(d *printer.Document) { d.QR(strings.Repeat("x", 7090), 0, 0) }),
			Entry("empty image", func(d *printer.Document) { d.Image(image.NewGray(image.Rect(0, 0, 0, 0))) }),
		)
	})

	It("lists segments by kind, with payloads", func() {
		d := doc().Text("T").Feed(1).Barcode(printer.CODE128, "B1").QR("Q1", 0, 0).Cut(printer.PartialCut).Drawer(1)
		var kinds []printer.Kind
		for _, s := range d.Segments() {
			kinds = append(kinds, s.Kind)
		}
		Expect(kinds).To(Equal([]printer.Kind{printer.KindText, printer.KindFeed, printer.KindBarcode, printer.KindQR, printer.KindCut, printer.KindDrawer}))
		Expect(d.Segments()[2].Text).To(Equal("B1"))
		Expect(d.Segments()[3].Text).To(Equal("Q1"))
		Expect(printer.KindQR.String()).To(Equal("qr"))
	})
})

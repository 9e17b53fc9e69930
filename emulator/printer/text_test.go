package printer_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/posemu/posemu/emulator/printer"
)

var _ = Describe("text on paper", func() {
	var p *rig
	BeforeEach(func() { p = newRig(printer.Options{}) })

	line := func(i int) printer.Line {
		GinkgoHelper()
		ls := p.Current().Lines
		Expect(len(ls)).To(BeNumerically(">", i))
		return ls[i]
	}

	Describe("Chinese", func() {
		It("starts in 2-byte GB mode, so GB2312 codes print as characters without FS &", func() {
			Expect(p.Status().Mode).To(Equal("gb"))
			p.Feed(cat(gb("商户名称:测试商户"), "\n"))
			Expect(p.Current().Text()).To(Equal([]string{"商户名称:测试商户"}))
			// Each character is a 24×24 cell: 商 fills the first one.
			id := p.Current().ID
			Expect(blackDots(p.Model, id, 0, 0, 24, 24)).To(BeNumerically(">", 60))
			// "名称" then ':' (12 dots) then 测 at 4·24+12.
			Expect(blackDots(p.Model, id, 108, 0, 132, 24)).To(BeNumerically(">", 60))
			Expect(blackDots(p.Model, id, 0, 24, 384, 30)).To(BeZero(), "line spacing below the cells is blank")
			Expect(line(0).Spans).To(HaveLen(3))
			Expect(line(0).Spans[0].Font).To(Equal("GB"))
		})

		It("wraps a line of 2-byte characters at 16 per 58 mm line", func() {
			p.Feed(cat(gb("一二三四五六七八九十一二三四五六七八"), "\n"))
			Expect(p.Current().Text()).To(Equal([]string{"一二三四五六七八九十一二三四五六", "七八"}))
		})

		It("decodes GB18030/GBK codes beyond GB2312 too", func() {
			p.Feed(cat(gb("镕"), "\n")) // GBK, not GB2312
			Expect(p.Current().Text()).To(Equal([]string{"镕"}))
		})

		It("leaves 2-byte mode on FS . and returns to it on ESC @", func() {
			p.Feed(cat(gbOff, "caf\x82\n", escInit, gb("好"), "\n"))
			Expect(p.Current().Text()).To(Equal([]string{"café", "好"}))
		})

		It("starts in single-byte mode when the option says so, and enters 2-byte mode on FS &", func() {
			p = newRig(printer.Options{SingleByte: true})
			Expect(p.Status().Mode).To(Equal("single-byte"))
			p.Feed(cat([]byte{0xB0, 0xA1}, "\n", gbOn, []byte{0xB0, 0xA1}, "\n", escInit, []byte{0x1B, 0x74, 16, 0x80}, "\n"))
			Expect(p.Current().Text()).To(Equal([]string{"░í", "啊", "€"}))
		})

		It("sizes 2-byte characters with FS ! and FS W", func() {
			p.Feed(cat([]byte{0x1C, 0x57, 0x01}, gb("大"), "A\n", []byte{0x1C, 0x57, 0x00}, gb("小"), "\n"))
			Expect(line(0).Spans[0]).To(Equal(printer.Span{Text: "大", Font: "GB", Width: 2, Height: 2}))
			Expect(line(0).Spans[1]).To(Equal(printer.Span{Text: "A", Font: "A", Width: 1, Height: 1}))
			Expect(line(1).Y).To(Equal(48))
			Expect(blackDots(p.Model, p.Current().ID, 0, 0, 48, 24)).To(BeNumerically(">", 20), "the top half of a 48-dot cell is inked")
		})
	})

	Describe("styles", func() {
		It("records alignment, size, bold, underline and inverse per line", func() {
			p.Feed(cat(centre, boldOn, "TITLE\n", boldOff, right, ulOn, "12.50\n", ulOff, left,
				invOn, "INVERSE\n", invOff, gsSize(2, 3), "BIG\n", gsSize(1, 1),
				[]byte{0x1B, 0x21, 0x38}, "ESC!\n", []byte{0x1B, 0x21, 0x00}, "plain\n"))
			ls := p.Current().Lines
			Expect(ls[0]).To(MatchFields(IgnoreExtras, Fields{"Text": Equal("TITLE"), "Align": Equal("center"), "Bold": BeTrue()}))
			Expect(ls[1]).To(MatchFields(IgnoreExtras, Fields{"Text": Equal("12.50"), "Align": Equal("right"), "Underline": BeTrue(), "Bold": BeFalse()}))
			Expect(ls[2]).To(MatchFields(IgnoreExtras, Fields{"Inverse": BeTrue(), "Align": Equal("left")}))
			Expect(ls[3]).To(MatchFields(IgnoreExtras, Fields{"Width": Equal(2), "Height": Equal(3)}))
			Expect(ls[4]).To(MatchFields(IgnoreExtras, Fields{"Width": Equal(2), "Height": Equal(2), "Bold": BeTrue()}))
			Expect(ls[5]).To(MatchFields(IgnoreExtras, Fields{"Width": Equal(1), "Height": Equal(1), "Bold": BeFalse()}))
			// Line tops: 30-dot spacing, and a 72-dot tall line.
			Expect([]int{ls[0].Y, ls[1].Y, ls[2].Y, ls[3].Y, ls[4].Y, ls[5].Y}).To(Equal([]int{0, 30, 60, 90, 162, 210}))
		})

		It("draws alignment where it says", func() {
			p.Feed(cat(centre, "XX\n", right, "XX\n"))
			id := p.Current().ID
			Expect(blackDots(p.Model, id, 180, 0, 204, 24)).To(BeNumerically(">", 10), "centred: 24 dots in the middle")
			Expect(blackDots(p.Model, id, 0, 0, 180, 24) + blackDots(p.Model, id, 204, 0, 384, 24)).To(BeZero())
			Expect(blackDots(p.Model, id, 360, 30, 384, 54)).To(BeNumerically(">", 10), "right: the last 24 dots")
		})

		It("draws underline as a dot row under the cell and inverse as a black cell", func() {
			p.Feed(cat(ulOn, "____\n", ulOff, []byte{0x1B, 0x2D, 0x02}, "a\n", invOn, " \n"))
			Expect(line(2).Underline).To(BeFalse(), "reverse printing has no underline")
			id := p.Current().ID
			Expect(blackDots(p.Model, id, 0, 23, 48, 24)).To(Equal(48))
			Expect(blackDots(p.Model, id, 0, 52, 12, 54)).To(Equal(24), "2 dots thick")
			Expect(blackDots(p.Model, id, 0, 60, 12, 84)).To(Equal(12*24), "an inverse space is a black cell")
		})

		It("wraps at 32 columns of font A and 42 of font B", func() {
			p.Feed(cat(bytes.Repeat([]byte("a"), 33), "\n", []byte{0x1B, 0x4D, 0x01}, bytes.Repeat([]byte("b"), 43), "\n"))
			Expect(p.Current().Text()).To(Equal([]string{
				"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a",
				"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "b",
			}))
		})

		It("shows tab and absolute-position gaps as spaces in the text", func() {
			p.Feed(cat("A\tB", []byte{0x1B, 0x24, 0, 1}, "C", []byte{0x1B, 0x5C, 24, 0}, "D\n"))
			Expect(line(0).Text).To(Equal("A       B            C  D"))
		})

		It("prints nothing while ESC = 0 has deselected it", func() {
			p.Feed(cat([]byte{0x1B, 0x3D, 0x00}, "ignored\n", fullCut, []byte{0x1B, 0x3D, 0x01}, "printed\n"))
			Expect(texts(p.Receipts())).To(Equal([][]string{{"printed"}}))
		})

		It("prints DEL as the code table's ⌂, in either mode", func() {
			p.Feed([]byte("a\x7fb\n\x1c.c\x7fd\n"))
			Expect(p.Current().Text()).To(Equal([]string{"a⌂b", "c⌂d"}))
		})

		It("discards the line being composed on ESC @", func() {
			p.Feed(cat("lost", escInit, "kept\n"))
			Expect(p.Current().Text()).To(Equal([]string{"kept"}))
		})
	})

	Describe("QR codes", func() {
		It("records the payload and draws modules of the set size", func() {
			p.Feed(cat(qrSize(5), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31}, qrPayload("285099999999"), qrPrint, "after\n"))
			r := p.Current()
			Expect(r.QR).To(Equal([]string{"285099999999"}))
			Expect(r.Lines[0].Y).To(Equal(21*5), "a version 1 symbol is 21 modules")
			// The top-left finder: 7×7 modules less a white 5×5 ring (16).
			Expect(blackDots(p.Model, r.ID, 0, 0, 35, 35)).To(Equal((49 - 16) * 5 * 5))
		})

		It("prints the stored data again on every print, and nothing after ESC @", func() {
			p.Feed(cat(qrPayload("again"), qrPrint, qrPrint, escInit, qrPrint))
			Expect(p.Current().QR).To(Equal([]string{"again", "again"}))
		})

		It("prints Chinese payloads and symbols of the larger versions", func() {
			long := string(bytes.Repeat([]byte("A"), 300))
			p.Feed(cat(qrSize(2), qrPayload("支付宝"), qrPrint, qrPayload(long), qrPrint))
			Expect(p.Current().QR).To(Equal([]string{"支付宝", long}))
		})

		It("refuses a symbol wider than the paper", func() {
			p.Feed(cat(qrSize(16), qrPayload(string(bytes.Repeat([]byte("A"), 200))), qrPrint))
			Expect(p.Current().QR).To(BeEmpty())
			Expect(p.DecodeErrors()[0].Msg).To(HavePrefix("QR code is "))
		})
	})

	Describe("barcodes", func() {
		DescribeTable("records the symbology and the payload a reader returns",
			func(cmd []byte, typ, data string) {
				p.Feed(cmd)
				Expect(p.DecodeErrors()).To(BeEmpty())
				Expect(p.Current().Barcodes).To(ConsistOf(MatchFields(IgnoreExtras, Fields{"Type": Equal(typ), "Data": Equal(data)})))
			},
			Entry("CODE128 set B", cat([]byte{0x1D, 0x6B, 73, 10}, "{BPOS-1234"), "CODE128", "POS-1234"),
			Entry("CODE128 set C", []byte{0x1D, 0x6B, 73, 5, '{', 'C', 12, 34, 56}, "CODE128", "123456"),
			Entry("CODE128 set switch and {{", cat([]byte{0x1D, 0x6B, 73, 11}, "{BA{{B{C", []byte{1, 2, 3}), "CODE128", "A{B010203"),
			Entry("EAN13 form A, check digit added", cat([]byte{0x1D, 0x6B, 2}, "690123456789", 0), "EAN13", "6901234567892"),
			Entry("EAN13 form B with its check digit", cat([]byte{0x1D, 0x6B, 67, 13}, "6901234567892"), "EAN13", "6901234567892"),
			Entry("UPC-A", cat([]byte{0x1D, 0x6B, 0}, "03600029145", 0), "UPC-A", "036000291452"),
			Entry("EAN8", cat([]byte{0x1D, 0x6B, 68, 7}, "9638507"), "EAN8", "96385074"),
			Entry("CODE39", cat([]byte{0x1D, 0x6B, 4}, "POS-39", 0), "CODE39", "POS-39"),
			Entry("ITF", cat([]byte{0x1D, 0x6B, 70, 6}, "123456"), "ITF", "123456"),
			Entry("CODABAR (placeholder bars)", cat([]byte{0x1D, 0x6B, 71, 6}, "A1234B"), "CODABAR", "A1234B"),
			Entry("CODE93 (placeholder bars)", cat([]byte{0x1D, 0x6B, 72, 3}, "ABC"), "CODE93", "ABC"),
		)

		It("does not print invalid data, and says why", func() {
			p.Feed(cat([]byte{0x1D, 0x6B, 2}, "12345", 0, []byte{0x1D, 0x6B, 73, 3}, "ABC", "ok\n"))
			Expect(p.Current().Barcodes).To(BeEmpty())
			Expect(p.DecodeErrors()).To(Equal([]printer.DecodeError{
				{Offset: 0, Msg: `GS k EAN13 "12345": 5 digits; want 12 or 13; not printed`},
				{Offset: 9, Msg: `GS k CODE128 "ABC": CODE128 data must start with a code set selector {A, {B or {C; not printed`},
			}))
			Expect(p.Current().Text()).To(Equal([]string{"ok"}))
		})

		It("takes height, module width and HRI position from GS h, GS w and GS H", func() {
			p.Feed(cat([]byte{0x1D, 0x68, 50, 0x1D, 0x77, 2, 0x1D, 0x48, 3}, []byte{0x1D, 0x6B, 73, 4}, "{B12"))
			r := p.Current()
			Expect(r.Height).To(Equal(24 + 50 + 24))
			// Bars of start B 211214, '1' 123221, '2' 223211, check 54
			// 311123 and stop 2331112: 4+6+6+6+8 modules of 2 dots.
			Expect(blackDots(p.Model, r.ID, 0, 24, 384, 25)).To(Equal(2 * 30))
			Expect(blackDots(p.Model, r.ID, 0, 0, 384, 24)).To(BeNumerically(">", 20), "HRI above")
			Expect(blackDots(p.Model, r.ID, 0, 74, 384, 98)).To(BeNumerically(">", 20), "HRI below")
		})

		It("clips a barcode wider than the paper and says so", func() {
			p.Feed(cat([]byte{0x1D, 0x77, 6, 0x1D, 0x6B, 73, 14}, "{B123456789012"))
			Expect(p.Current().Barcodes).To(ConsistOf(MatchFields(IgnoreExtras, Fields{"Data": Equal("123456789012"), "Clipped": BeTrue()})))
		})
	})

	Describe("images", func() {
		It("draws ESC * column images in the line, 24 dots high in every mode", func() {
			p.Feed(cat([]byte{0x1B, 0x2A, 0, 2, 0, 0xFF, 0x81}, []byte{0x1B, 0x2A, 33, 1, 0, 0xFF, 0x00, 0xFF}, "\n"))
			r := p.Current()
			Expect(r.Lines).To(BeEmpty(), "an image line is not a text line")
			Expect(r.Images).To(Equal([]printer.Image{{Y: 0, X: 0, Width: 5, Height: 24, Kind: "column"}}))
			// Mode 0: 2×3 dots per bit; column 0 all set, column 1 top and bottom.
			Expect(blackDots(p.Model, r.ID, 0, 0, 2, 24)).To(Equal(48))
			Expect(blackDots(p.Model, r.ID, 2, 0, 4, 24)).To(Equal(12))
			Expect(blackDots(p.Model, r.ID, 4, 0, 5, 24)).To(Equal(16))
		})

		It("scales GS v 0 images by their mode and aligns them", func() {
			p.Feed(cat(centre, []byte{0x1D, 0x76, 0x30, 3, 1, 0, 2, 0, 0x80, 0x01}))
			r := p.Current()
			Expect(r.Images).To(Equal([]printer.Image{{Y: 0, X: 184, Width: 16, Height: 4, Kind: "raster"}}))
			Expect(blackDots(p.Model, r.ID, 184, 0, 186, 2)).To(Equal(4))
			Expect(blackDots(p.Model, r.ID, 198, 2, 200, 4)).To(Equal(4))
		})
	})
})
